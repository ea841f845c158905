package dev.fifokit.bridge;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sending bridge's state across its links: the thread that reads the source
 * ({@link SourcePump}), the {@link Outbox}, the sessions and what they hold. A connector has
 * one session of its own; a listener one per client, in {@link #sessions}.
 */
final class Sending {
    final Outbox outbox = new Outbox();
    final Sessions<SenderSession> sessions;
    /** A connector's one session; null on a listener. */
    final SenderSession connectorSession;
    private final FifoBridge bridge;
    private final SourcePump pump;
    private final AtomicBoolean pumpStarted = new AtomicBoolean();
    private final AtomicLong retiredPeak = new AtomicLong();

    Sending(FifoBridge bridge, LocalEnds.MessageSource source, boolean connector) {
        this.bridge = bridge;
        this.sessions = new Sessions<>(bridge.options.maxSessions(), bridge.log);
        this.pump = new SourcePump(source, outbox, bridge::finish, bridge.log);
        this.connectorSession = connector ? open(bridge.instance, null, null) : null;
    }

    /** A new session's state (a listener's, bound to the key and certificate its far side proved). */
    SenderSession open(byte[] instance, byte[] key, byte[] certificate) {
        return new SenderSession(instance, key, certificate, bridge.options, outbox);
    }

    /** Starts reading the source, once: when the first link is up (until then the FIFO's writers wait to open it). */
    void sourceNeeded() {
        if (!pump.isStopping() && pumpStarted.compareAndSet(false, true)) {
            bridge.spawn("fifokit-bridge-source", pump::run);
        }
    }

    /** Stops reading the source between messages; the sessions then finish what was read. */
    void stopSource() {
        if (pumpStarted.compareAndSet(false, true)) {
            outbox.end(); // never started: nothing was read
        } else {
            pump.stop();
        }
    }

    /**
     * True once nothing more can come to {@code me}: the source ended, the outbox is empty, and
     * no other session holds messages that could come back (a client that vanished); only then
     * does a session say FIN.
     */
    boolean nothingMoreFor(SenderSession me) {
        if (!outbox.exhausted()) {
            return false;
        }
        for (SenderSession s : sessions.all()) {
            if (s != me && s.buffer.messages() > 0) {
                return false;
            }
        }
        return true;
    }

    /** Messages read from the source that no far side has acknowledged: waiting, or held by a session. */
    long unacknowledged() {
        long n = outbox.size();
        for (SenderSession s : all()) {
            n += s.buffer.messages();
        }
        return n;
    }

    /** A listener's session is over: it leaves the table, its peak memory stays in the counters. */
    void retire(SenderSession s) {
        sessions.remove(s);
        retiredPeak.accumulateAndGet(s.buffer.peakBytes(), Math::max);
    }

    /**
     * A listener's client dropped its link. A session that holds nothing is dropped now (a
     * client that comes back starts a new one, which it is told). One that holds unacknowledged
     * messages waits for its client for the resume window; past it they go back to the outbox,
     * for the next client.
     */
    void linkDropped(SenderSession s) {
        if (s.buffer.messages() == 0) {
            if (sessions.removeIf(s, () -> !s.connected() && s.buffer.messages() == 0)) {
                retiredPeak.accumulateAndGet(s.buffer.peakBytes(), Math::max);
            }
            return;
        }
        long generation = s.generation();
        Duration window = bridge.options.resumeWindow();
        bridge.spawn("fifokit-bridge-resume-window", () -> {
            Thread.sleep(window);
            if (sessions.removeIf(s, () -> !s.connected() && s.generation() == generation)) {
                int n = s.buffer.messages();
                s.giveBack();
                retiredPeak.accumulateAndGet(s.buffer.peakBytes(), Math::max);
                if (n > 0) {
                    bridge.log.accept("session " + s.name() + ": its client did not come back within "
                            + window.toMillis() + " ms; its " + n + " unacknowledged messages go to the next client");
                }
            }
        });
    }

    /** {@code {messages held, their bytes, the peak bytes}} over every session. */
    long[] held() {
        long msgs = 0;
        long bytes = 0;
        long peak = retiredPeak.get();
        for (SenderSession s : all()) {
            msgs += s.buffer.messages();
            bytes += s.buffer.bytes();
            peak = Math.max(peak, s.buffer.peakBytes());
        }
        return new long[]{msgs, bytes, peak};
    }

    private List<SenderSession> all() {
        List<SenderSession> all = sessions.all();
        if (connectorSession != null) {
            all.add(connectorSession);
        }
        return all;
    }
}
