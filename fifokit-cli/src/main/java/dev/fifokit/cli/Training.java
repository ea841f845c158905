package dev.fifokit.cli;

import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The training run of the launcher's start-up cache for {@code fifokit cat}: the JVM records the
 * classes and method handles a run uses, and a later {@code cat} finds them loaded and linked.
 * A cache trained on {@code limits} alone misses what {@code cat} needs (opening and waiting for
 * a writer, its time limit, splice to standard output: several hundred classes), and one cache
 * trained on both makes {@code limits} start slower, so {@code cat} gets its own.
 *
 * <p>Runs {@code cat -t 1ms} on a FIFO nobody writes (the time-limit path), then {@code cat} of
 * a FIFO a thread writes 8 MiB to, to standard output (the launcher sends it to /dev/null).
 * Everything it makes is in a fresh temporary directory, deleted at the end.
 */
public final class Training {
    private Training() {}

    /** Not for users: the launcher runs it with the cache options; its exit code is 0 unless it failed. */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("fifokit-training");
        Path path = dir.resolve("p");
        int code;
        Fifo fifo = Fifo.create(path);
        try {
            Main.run("cat", "-t", "1ms", path.toString());
            Thread writer = Thread.ofPlatform().start(() -> write(path));
            code = Main.run("cat", "-t", "10s", path.toString());
            writer.join(Duration.ofSeconds(10));
        } finally {
            fifo.close();
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
        System.exit(code);
    }

    private static void write(Path path) {
        try (FifoWriter out = FifoWriter.open(path, WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 16);
            for (int i = 0; i < 128; i++) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
        } catch (IOException e) {
            // the reader ends the training either way
        }
    }
}
