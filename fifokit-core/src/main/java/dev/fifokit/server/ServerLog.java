package dev.fifokit.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** The server's counters and its log sink, in one place every part of the server shares. */
final class ServerLog {
    private final Consumer<String> sink;
    final AtomicLong received = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong errorReplies = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong garbageBytes = new AtomicLong();
    final AtomicLong invalidFrames = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();

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

    void garbage(long bytes) {
        garbageBytes.addAndGet(bytes);
    }

    ServerStats snapshot() {
        return new ServerStats(received.get(), answered.get(), errorReplies.get(), dropped.get(),
                garbageBytes.get(), invalidFrames.get(), abandoned.get());
    }
}
