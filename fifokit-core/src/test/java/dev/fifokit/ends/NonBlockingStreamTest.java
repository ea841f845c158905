package dev.fifokit.ends;

import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A non-blocking end's stream waits without burning CPU; available() counts every readable byte. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NonBlockingStreamTest {
    @TempDir
    Path dir;

    @Test
    void singleByteReadOfANonBlockingEndWaitsWithoutSpinning() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isCurrentThreadCpuTimeSupported(), "no thread CPU time here");
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false).io(PipeOptions.defaults().nonBlocking()));
             FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader())) {
            InputStream in = r.inputStream();
            CompletableFuture<Integer> got = new CompletableFuture<>();
            CompletableFuture<Long> cpu = new CompletableFuture<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().start(() -> {
                long before = mx.getCurrentThreadCpuTime();
                started.countDown();
                try {
                    got.complete(in.read());
                } catch (Exception e) {
                    got.completeExceptionally(e);
                }
                cpu.complete(mx.getCurrentThreadCpuTime() - before);
            });
            started.await();
            Thread.sleep(1000); // the pipe stays empty for a second
            w.write(new byte[] {42});
            assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(42);
            t.join(10_000);
            // a spinning read burns about the whole second; a waiting one a few milliseconds
            assertThat(cpu.get(10, TimeUnit.SECONDS)).as("CPU ns spent in read() over ~1 s")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(300));
        }
    }

    @Test
    void availableCountsTheByteTheWriterProbeHeldBack() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("q"))) {
            for (int i = 0; i < 1600; i++) {
                CompletableFuture<Void> written = new CompletableFuture<>();
                Thread writer = Thread.ofPlatform().start(() -> {
                    try (FifoWriter w = FifoWriter.open(fifo.path())) {
                        w.write(new byte[] {7});
                        written.complete(null);
                        // stay open until the reader looked, so the byte is not followed by end of stream
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException done) {
                        // the round is over
                    } catch (Exception e) {
                        written.completeExceptionally(e);
                    }
                });
                try (FifoReader r = FifoReader.open(fifo.path())) {
                    written.get(30, TimeUnit.SECONDS);
                    assertThat(r.available()).as("round %d", i).isEqualTo(1);
                    byte[] b = new byte[4];
                    assertThat(r.read(b, 0, 4)).isEqualTo(1);
                    assertThat(b[0]).isEqualTo((byte) 7);
                } finally {
                    writer.interrupt();
                    writer.join(10_000);
                }
            }
        }
    }
}
