package dev.fifokit.testing;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM that has no /proc: creates a FIFO with an exact mode, opens an existing
 * FIFO both ways (peer present, and waiting for the peer), and reports what a keep-alive reader
 * (which needs /proc) says. Prints one line per step; exits 0 when every step behaved.
 */
public final class NoProcProbe {
    private NoProcProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        System.out.println("proc mounted: " + Files.isDirectory(Path.of("/proc/self/fd")));
        try (Fifo made = Fifo.create(dir.resolve("made"), 0666)) {
            System.out.println("created mode: 0" + Integer.toOctalString(made.mode()));
        }
        Path existing = dir.resolve("existing");
        try (FifoReader r = FifoReader.open(existing, ReaderOptions.defaults().awaitWriter(false));
             FifoWriter w = FifoWriter.open(existing, WriterOptions.defaults().failIfNoReader())) {
            w.write(new byte[] {'x'});
            byte[] b = new byte[1];
            System.out.println("peer present: " + (r.read(b, 0, 1) == 1 && b[0] == 'x' ? "ok" : "bad"));
        }
        // a reader that waits for a writer, and a writer that waits for a reader
        ReaderOptions waitForWriter = ReaderOptions.defaults().timeout(Duration.ofSeconds(20));
        WriterOptions waitForReader = WriterOptions.defaults().timeout(Duration.ofSeconds(20));
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try (FifoReader r = FifoReader.open(existing, waitForWriter)) {
                byte[] b = new byte[1];
                return r.read(b, 0, 1) == 1 && b[0] == 'y' ? "ok" : "bad";
            } catch (Exception e) {
                return e.toString();
            }
        });
        Thread.sleep(200);
        try (FifoWriter w = FifoWriter.open(existing, waitForReader)) {
            w.write(new byte[] {'y'});
        }
        System.out.println("waiting reader: " + reader.get(30, TimeUnit.SECONDS));
        CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> {
            try (FifoWriter w = FifoWriter.open(existing, waitForReader)) {
                w.write(new byte[] {'z'});
                return "ok";
            } catch (Exception e) {
                return e.toString();
            }
        });
        Thread.sleep(200);
        try (FifoReader r = FifoReader.open(existing, waitForWriter)) {
            byte[] b = new byte[1];
            System.out.println("waiting writer: " + writer.get(30, TimeUnit.SECONDS)
                    + (r.read(b, 0, 1) == 1 && b[0] == 'z' ? "" : " (read bad)"));
        }
        try (FifoReader r = FifoReader.open(existing, ReaderOptions.defaults().keepAlive())) {
            System.out.println("keep-alive: opened");
        } catch (Exception e) {
            System.out.println("keep-alive: " + e.getMessage());
        }
    }
}
