package dev.fifokit.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The server's counters and its log sink, in one place every part of the server shares.
 *
 * <p>Events a client can cause at will (garbage, dropped requests) go through
 * {@link #event(String, String)}: at most one line per kind of event per
 * {@link #INTERVAL_NANOS}; the events held back meanwhile are counted and the next line of that
 * kind says how many there were. So a client flooding the server costs a handful of log lines
 * per second, however fast it sends.
 */
final class ServerLog {
    /** One line per kind of event per second at most. */
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Consumer<String> sink;
    final AtomicLong received = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong errorReplies = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong garbageBytes = new AtomicLong();
    final AtomicLong invalidFrames = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();
    private final ConcurrentHashMap<String, Limiter> limiters = new ConcurrentHashMap<>();

    ServerLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Reports one event; a failing log sink never stops the server. */
    void line(String text) {
        try {
            sink.accept(text);
        } catch (RuntimeException ignored) {
            // the log is best effort
        }
    }

    /**
     * Reports an event of kind {@code kind}, or counts it when a line of that kind was written
     * less than a second ago. The next line of that kind ends with "(and N more like it)".
     */
    void event(String kind, String text) {
        Limiter l = limiters.computeIfAbsent(kind, k -> new Limiter());
        String out;
        synchronized (l) {
            long now = System.nanoTime();
            if (l.last != 0 && now - l.last < INTERVAL_NANOS) {
                l.held++;
                l.heldText = text;
                return;
            }
            out = l.held == 0 ? text : text + " (and " + l.held + " more like it in the last "
                    + Math.max(1, (now - l.last) / 1_000_000_000L) + "s)";
            l.last = now;
            l.held = 0;
            l.heldText = null;
        }
        line(out);
    }

    /** Writes the counts of events held back for more than the interval (or all of them when {@code all}). */
    void flushHeld(boolean all) {
        long now = System.nanoTime();
        for (Limiter l : limiters.values()) {
            String out = null;
            synchronized (l) {
                if (l.held > 0 && (all || now - l.last >= INTERVAL_NANOS)) {
                    out = l.heldText + (l.held == 1 ? "" : " (the last of " + l.held + " like it)");
                    l.last = now;
                    l.held = 0;
                    l.heldText = null;
                }
            }
            if (out != null) {
                line(out);
            }
        }
    }

    private static final class Limiter {
        long last;
        long held;
        String heldText;
    }

    void garbage(long bytes) {
        garbageBytes.addAndGet(bytes);
    }

    ServerStats snapshot() {
        return new ServerStats(received.get(), answered.get(), errorReplies.get(), dropped.get(),
                garbageBytes.get(), invalidFrames.get(), abandoned.get());
    }
}
