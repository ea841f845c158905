package dev.fifokit.bridge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A receiving bridge's state across its links: the sessions of the far sides that send (a
 * listener's, by instance), the receivers writing to the sink now, and the sink's release once
 * none is left and one of them ended cleanly (so that the FIFO's reader sees end of file).
 */
final class Receiving {
    final Sessions<ReceiverSession> sessions;
    private final Set<Receiver> active = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean finishedSinceRelease = new java.util.concurrent.atomic.AtomicBoolean();
    private final Runnable release;
    private volatile boolean leaving;

    Receiving(FifoBridge bridge, Runnable release) {
        this.sessions = new Sessions<>(bridge.options.maxSessions(), bridge.log);
        this.release = release;
    }

    /**
     * {@code r} starts writing to the sink (null for a raw stream, which cannot leave between
     * messages); if the bridge is stopping it leaves at once.
     */
    void started(Receiver r) {
        if (r != null) {
            active.add(r);
            if (leaving) {
                r.leave();
            }
        }
        count.incrementAndGet();
    }

    /**
     * {@code r} ended ({@code finished}: its far side's source ended and everything was written).
     * When no receiver is left and one finished since the sink was last released, the sink is
     * released, whichever ended last.
     */
    void ended(Receiver r, boolean finished) {
        if (r != null) {
            active.remove(r);
        }
        if (finished) {
            finishedSinceRelease.set(true);
        }
        if (count.decrementAndGet() == 0 && finishedSinceRelease.getAndSet(false)) {
            release.run();
        }
    }

    /** Every receiver leaves between messages (a graceful stop). */
    void leaveAll() {
        leaving = true;
        for (Receiver r : active) {
            r.leave();
        }
    }

    /** {@return true when no receiver is writing} */
    boolean idle() {
        return active.isEmpty();
    }
}
