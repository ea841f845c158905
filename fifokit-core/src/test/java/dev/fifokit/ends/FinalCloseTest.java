package dev.fifokit.ends;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoInterruptedException;
import dev.fifokit.files.Fifo;
import dev.fifokit.internal.linux.PipeFd;
import dev.fifokit.testing.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * close() is final: when it returns, the descriptor is closed in the kernel, even while another
 * thread is blocked on the end, so the peer's very next write fails with a broken pipe.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FinalCloseTest {
    static final int ROUNDS = 200;

    @TempDir
    Path dir;

    @Test
    void closeWhileAPlatformThreadIsBlockedInReadReleasesTheReaderAtOnce() throws Exception {
        closeWhileBlocked(false, ROUNDS, false);
    }

    @Test
    void closeWhileAVirtualThreadIsBlockedInReadReleasesTheReaderAtOnce() throws Exception {
        closeWhileBlocked(true, ROUNDS, false);
    }

    @Test
    void interruptOfABlockedReaderReleasesTheReaderBeforeInterruptReturns() throws Exception {
        closeWhileBlocked(false, ROUNDS / 4, true);
        closeWhileBlocked(true, ROUNDS / 4, true);
    }

    @Test
    void closeWhileAWriterIsBlockedOnAFullPipeGivesTheReaderEndOfStreamAtOnce() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            String frame = virtual ? "awaitVirtual" : "awaitPlatform";
            try (Fifo fifo = Fifo.create(dir.resolve("w-" + virtual))) {
                for (int i = 0; i < ROUNDS / 4; i++) {
                    try (FifoReader peer = FifoReader.open(fifo.path(),
                            ReaderOptions.defaults().awaitWriter(false).io(PipeOptions.defaults().nonBlocking()))) {
                        FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader());
                        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                        Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
                            try {
                                w.write(new byte[w.capacity() * 2]); // more than fits: blocks
                                outcome.complete(null);
                            } catch (Throwable e) {
                                outcome.complete(e);
                            }
                        });
                        Threads.awaitIn(t, PipeFd.class, frame, Duration.ofSeconds(30));
                        w.close();
                        // right after close(): drain what was queued, then end of stream, never "no data yet"
                        byte[] b = new byte[65536];
                        int n;
                        while ((n = peer.read(b, 0, b.length)) > 0) {
                            // drain
                        }
                        assertThat(n).as("round %d", i).isEqualTo(-1);
                        assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(FifoClosedException.class);
                    }
                }
            }
        }
    }

    @Test
    void closeAtAnyMomentOfAReadLoopIsFinal() throws Exception {
        // no waiting for the reader to be parked: close lands wherever the reader happens to be
        for (boolean virtual : new boolean[] {false, true}) {
            try (Fifo fifo = Fifo.create(dir.resolve("any-" + virtual))) {
                for (int i = 0; i < ROUNDS; i++) {
                    FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false));
                    try (FifoWriter peer = FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader())) {
                        Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
                            byte[] b = new byte[16];
                            try {
                                while (r.read(b, 0, b.length) >= 0) {
                                    // keep reading whatever the peer sends
                                }
                            } catch (Exception expected) {
                                // closed under it
                            }
                        });
                        peer.write(new byte[] {1});
                        r.close();
                        assertThatThrownBy(() -> peer.write(new byte[] {2}))
                                .as("round %d, %s thread", i, virtual ? "virtual" : "platform")
                                .isInstanceOf(BrokenPipeException.class);
                        t.join(10_000);
                        assertThat(t.isAlive()).isFalse();
                    }
                }
            }
        }
    }

    private void closeWhileBlocked(boolean virtual, int rounds, boolean viaInterrupt) throws Exception {
        String frame = virtual ? "awaitVirtual" : "awaitPlatform";
        try (Fifo fifo = Fifo.create(dir.resolve("p-" + virtual + "-" + viaInterrupt))) {
            for (int i = 0; i < rounds; i++) {
                FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false));
                try (FifoWriter peer = FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader())) {
                    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                    Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
                        try {
                            r.read(new byte[8], 0, 8);
                            outcome.complete(null);
                        } catch (Throwable e) {
                            outcome.complete(e);
                        }
                    });
                    Threads.awaitIn(t, PipeFd.class, frame, Duration.ofSeconds(30));
                    if (viaInterrupt) {
                        t.interrupt();
                    } else {
                        r.close();
                    }
                    // the peer's next write, right after close() (or interrupt()) returned
                    int round = i;
                    assertThatThrownBy(() -> peer.write(new byte[] {1}))
                            .as("round %d", round)
                            .isInstanceOf(BrokenPipeException.class)
                            .hasMessageContaining(fifo.path().toString());
                    assertThat(outcome.get(30, TimeUnit.SECONDS))
                            .isInstanceOf(viaInterrupt ? FifoInterruptedException.class : FifoClosedException.class);
                } finally {
                    r.close();
                }
            }
        }
    }
}
