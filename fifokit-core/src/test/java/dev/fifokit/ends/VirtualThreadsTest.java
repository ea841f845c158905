package dev.fifokit.ends;

import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A blocked read or open parks the virtual thread, not its carrier. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VirtualThreadsTest {
    @TempDir
    Path dir;

    private static Set<String> carrierThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("ForkJoinPool-") && n.contains("worker"))
                .collect(Collectors.toSet());
    }

    @Test
    void thousandIdleReadersUseAFewCarriersAndAllFinishWhenDataArrives() throws Exception {
        int n = 1000;
        List<Fifo> fifos = new ArrayList<>();
        List<FifoWriter> writers = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch allOpen = new CountDownLatch(n);
        try {
            for (int i = 0; i < n; i++) {
                fifos.add(Fifo.create(dir.resolve("f" + i)));
            }
            for (Fifo f : fifos) {
                readers.add(Thread.ofVirtual().start(() -> {
                    try (FifoReader r = FifoReader.open(f.path(), OpenOptions.defaults().awaitWriter(false))) {
                        allOpen.countDown();
                        byte[] b = new byte[8];
                        if (r.read(b, 0, b.length) == 1 && b[0] == 42) {
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            assertThat(allOpen.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(500); // let every reader reach its blocking read
            // an unrelated virtual thread still runs while all readers wait
            Thread other = Thread.ofVirtual().start(() -> { });
            assertThat(other.join(java.time.Duration.ofSeconds(5))).isTrue();
            assertThat(carrierThreads()).hasSizeLessThanOrEqualTo(4);
            for (Fifo f : fifos) {
                FifoWriter w = FifoWriter.open(f.path());
                writers.add(w);
                w.write(new byte[] {42});
            }
            for (Thread t : readers) {
                assertThat(t.join(java.time.Duration.ofSeconds(30))).isTrue();
            }
            assertThat(done.get()).isEqualTo(n);
            assertThat(carrierThreads()).hasSizeLessThanOrEqualTo(4);
        } finally {
            for (FifoWriter w : writers) {
                w.close();
            }
            for (Fifo f : fifos) {
                f.close();
            }
        }
    }

    @Test
    void virtualThreadsWaitingForAPeerToOpenDoNotPinCarriers() throws Exception {
        int n = 200;
        List<Fifo> fifos = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        AtomicInteger opened = new AtomicInteger();
        try {
            for (int i = 0; i < n; i++) {
                fifos.add(Fifo.create(dir.resolve("w" + i)));
            }
            for (Fifo f : fifos) {
                writers.add(Thread.ofVirtual().start(() -> {
                    try (FifoWriter w = FifoWriter.open(f.path())) {
                        opened.incrementAndGet();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            Thread.sleep(500);
            Thread other = Thread.ofVirtual().start(() -> { });
            assertThat(other.join(java.time.Duration.ofSeconds(5))).isTrue();
            assertThat(carrierThreads()).hasSizeLessThanOrEqualTo(4);
            List<FifoReader> readers = new ArrayList<>();
            for (Fifo f : fifos) {
                readers.add(FifoReader.open(f.path(), OpenOptions.defaults().awaitWriter(false)));
            }
            for (Thread t : writers) {
                assertThat(t.join(java.time.Duration.ofSeconds(30))).isTrue();
            }
            assertThat(opened.get()).isEqualTo(n);
            for (FifoReader r : readers) {
                r.close();
            }
        } finally {
            for (Fifo f : fifos) {
                f.close();
            }
        }
    }
}
