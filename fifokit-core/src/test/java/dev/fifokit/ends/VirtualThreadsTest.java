package dev.fifokit.ends;

import dev.fifokit.files.Fifo;
import dev.fifokit.internal.linux.PipeFd;
import dev.fifokit.testing.Threads;
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
                    try (FifoReader r = FifoReader.open(f.path(), ReaderOptions.defaults().awaitWriter(false))) {
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
            // every reader parked in its blocking read (a fixed sleep could end before, and the
            // carrier count below would then prove nothing)
            for (Thread t : readers) {
                Threads.awaitIn(t, PipeFd.class, "awaitVirtual", java.time.Duration.ofSeconds(30));
            }
            // an unrelated virtual thread still runs while all readers wait
            Thread other = Thread.ofVirtual().start(() -> { });
            assertThat(other.join(java.time.Duration.ofSeconds(30))).isTrue();
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
            // every writer waiting for its reader, not merely started
            for (Thread t : writers) {
                Threads.awaitIn(t, PipeFd.class, "awaitPeer", java.time.Duration.ofSeconds(30));
            }
            Thread other = Thread.ofVirtual().start(() -> { });
            assertThat(other.join(java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(carrierThreads()).hasSizeLessThanOrEqualTo(4);
            List<FifoReader> readers = new ArrayList<>();
            for (Fifo f : fifos) {
                readers.add(FifoReader.open(f.path(), ReaderOptions.defaults().awaitWriter(false)));
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

    /**
     * Every end owns its native buffers (call states, poll and epoll buffers, the reader's
     * one-byte probe, all slices of one allocation): many ends opened, used and closed at once
     * on virtual threads never see each other's bytes or errno, and leave no descriptor behind.
     */
    @Test
    void manyEndsOpenedAndClosedAtOnceKeepTheirOwnState() throws Exception {
        int n = 200;
        int rounds = 20;
        List<Fifo> fifos = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                fifos.add(Fifo.create(dir.resolve("c" + i)));
            }
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            // lazily created descriptors (poller, inotify) exist before counting
            Thread warmUp = Thread.ofVirtual().start(() -> exchange(fifos.get(0).path(), -1, 2, wrong));
            assertThat(warmUp.join(java.time.Duration.ofSeconds(30))).isTrue();
            var before = dev.fifokit.testing.Processes.descriptorKinds();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path p = fifos.get(i).path();
                int id = i;
                threads.add(Thread.ofVirtual().start(() -> exchange(p, id, rounds, wrong)));
            }
            for (Thread t : threads) {
                assertThat(t.join(java.time.Duration.ofSeconds(60))).isTrue();
            }
            assertThat(wrong).isEmpty();
            assertThat(dev.fifokit.testing.Processes.descriptorKinds()).isEqualTo(before);
        } finally {
            for (Fifo f : fifos) {
                f.close();
            }
        }
    }

    /** {@code rounds} times: a writer writes a message naming {@code id} and leaves; a reader reads all of it. */
    private static void exchange(Path p, int id, int rounds, List<String> wrong) {
        try {
            for (int r = 0; r < rounds; r++) {
                byte[] sent = ("end " + id + " round " + r).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                // the writer may write and leave before the reader looks: the reader then sees
                // the data only through its one-byte probe
                Thread writer = Thread.ofVirtual().start(() -> {
                    try (FifoWriter w = FifoWriter.open(p)) {
                        w.write(sent);
                    } catch (Exception e) {
                        wrong.add(id + ": writer: " + e);
                    }
                });
                try (FifoReader in = FifoReader.open(p)) {
                    byte[] got = in.inputStream().readAllBytes();
                    if (!java.util.Arrays.equals(got, sent)) {
                        wrong.add(id + ": read " + new String(got, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                if (!writer.join(java.time.Duration.ofSeconds(30))) {
                    wrong.add(id + ": writer stuck");
                }
            }
        } catch (Exception e) {
            wrong.add(id + ": " + e);
        }
    }
}
