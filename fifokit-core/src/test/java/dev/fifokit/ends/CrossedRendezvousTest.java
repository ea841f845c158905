package dev.fifokit.ends;

import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No wake-up is ever lost: two threads that open two FIFOs in crossed order, with no deadline on
 * the opens, always meet (A: reader of f1 then writer of f2; B: writer of f1 then reader of f2).
 * Each test runs {@value #PAIRS} pairs at once, {@value #ROUNDS} rounds each.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrossedRendezvousTest {
    static final int ROUNDS = 2000;
    /** Pairs meeting at the same time, each on its own two FIFOs: more chances to hit the window. */
    static final int PAIRS = 4;

    @TempDir
    Path dir;

    @Test
    void crossedOpensAlwaysMeetOnPlatformThreads() throws Exception {
        pairs(false);
    }

    @Test
    void crossedOpensAlwaysMeetOnVirtualThreads() throws Exception {
        pairs(true);
    }

    private void pairs(boolean virtual) throws Exception {
        try (ExecutorService drivers = Executors.newFixedThreadPool(PAIRS)) {
            java.util.List<Future<Void>> all = new java.util.ArrayList<>();
            for (int p = 0; p < PAIRS; p++) {
                String kind = (virtual ? "virtual-" : "platform-") + p;
                all.add(drivers.submit(() -> {
                    rounds(virtual ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newFixedThreadPool(2), kind);
                    return null;
                }));
            }
            for (Future<Void> f : all) {
                try {
                    f.get(250, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Error err ? err : new AssertionError(e.getCause());
                }
            }
        }
    }

    private void rounds(ExecutorService pool, String kind) throws Exception {
        try (pool; Fifo f1 = Fifo.create(dir.resolve(kind + "-1")); Fifo f2 = Fifo.create(dir.resolve(kind + "-2"))) {
            for (int i = 0; i < ROUNDS; i++) {
                Future<Integer> a = pool.submit(() -> {
                    try (FifoReader r1 = FifoReader.open(f1.path(), ReaderOptions.defaults());
                         FifoWriter w2 = FifoWriter.open(f2.path(), WriterOptions.defaults())) {
                        w2.write(new byte[] {2});
                        byte[] b = new byte[1];
                        return r1.read(b, 0, 1) == 1 ? (int) b[0] : -1;
                    }
                });
                Future<Integer> b = pool.submit(() -> {
                    try (FifoWriter w1 = FifoWriter.open(f1.path(), WriterOptions.defaults());
                         FifoReader r2 = FifoReader.open(f2.path(), ReaderOptions.defaults())) {
                        w1.write(new byte[] {1});
                        byte[] x = new byte[1];
                        return r2.read(x, 0, 1) == 1 ? (int) x[0] : -1;
                    }
                });
                try {
                    assertThat(a.get(20, TimeUnit.SECONDS)).as("round %d", i).isEqualTo(1);
                    assertThat(b.get(20, TimeUnit.SECONDS)).as("round %d", i).isEqualTo(2);
                } catch (TimeoutException e) {
                    a.cancel(true);
                    b.cancel(true);
                    throw new AssertionError(kind + " round " + i + " of " + ROUNDS + ": the crossed opens never met", e);
                }
            }
        }
    }
}
