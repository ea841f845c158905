package dev.fifokit.bridge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A receiving bridge's state across its links: the sessions of the far sides that send (a
 * listener's, by instance), the receivers writing to the sink now, and the sink's release when
 * the last of them ends cleanly (so that the FIFO's reader sees end of file).
 */
final class Receiving {
    final Sessions<ReceiverSession> sessions;
    private final Set<Receiver> active = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
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

    /** {@code r} ended; when it was the last and its far side's source ended, the sink is released. */
    void ended(Receiver r, boolean finished) {
        if (r != null) {
            active.remove(r);
        }
        if (count.decrementAndGet() == 0 && finished) {
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
