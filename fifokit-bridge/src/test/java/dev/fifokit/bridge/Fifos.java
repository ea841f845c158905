package dev.fifokit.bridge;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Test helpers: writers and readers of the FIFOs at either end of a bridge. */
final class Fifos {
    private Fifos() {}

    static final Duration OPEN = Duration.ofSeconds(20);

    /** Reads every message from {@code fifo} until end of stream, in another thread. */
    static Future<List<Message>> readAll(ExecutorService ex, Path fifo, Framing framing) {
        return ex.submit(() -> {
            List<Message> got = new ArrayList<>();
            try (FifoReader end = FifoReader.open(fifo, ReaderOptions.defaults().timeout(OPEN));
                 MessageReader in = MessageReader.of(end, framing)) {
                for (Message m; (m = in.receive()) != null; ) {
                    got.add(m);
                }
            }
            return got;
        });
    }

    /** Sends {@code messages} into {@code fifo} through one writer end, in another thread. */
    static Future<Void> writeAll(ExecutorService ex, Path fifo, Framing framing, List<Message> messages) {
        return ex.submit(() -> {
            try (FifoWriter end = FifoWriter.open(fifo, WriterOptions.defaults().timeout(OPEN));
                 MessageWriter out = MessageWriter.of(end, framing)) {
                for (Message m : messages) {
                    out.send(m);
                }
            }
            return null;
        });
    }

    static <T> T get(Future<T> f, Duration limit) throws Exception {
        return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    static ExecutorService threads() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }

    static <T> Callable<T> callable(Callable<T> c) {
        return c;
    }
}
