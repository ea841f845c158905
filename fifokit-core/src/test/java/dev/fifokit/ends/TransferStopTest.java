package dev.fifokit.ends;

import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoInterruptedException;
import dev.fifokit.files.Fifo;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.Libc;
import dev.fifokit.internal.linux.PipeFd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transfer ends promptly, with the closed or interrupted error, when either of its ends is
 * closed or its thread is interrupted, and never writes into an end after that end's close().
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransferStopTest {
    @TempDir
    Path dir;

    private enum Stop { CLOSE_SOURCE, CLOSE_DESTINATION, INTERRUPT }

    private interface Body {
        void run() throws Exception;
    }

    /** Runs {@code transfer} on a platform or virtual thread; returns what it threw. */
    private static CompletableFuture<Throwable> start(boolean virtual, Body transfer, Thread[] thread) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        thread[0] = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
            try {
                transfer.run();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        return outcome;
    }

    /** Waits until the transfer is parked or polling (it has nothing to move). */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - end < 0) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().equals(PipeFd.class.getName())
                        && (e.getMethodName().equals("awaitPlatform") || e.getMethodName().equals("awaitVirtual"))) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the transfer never waited");
    }

    private static Class<?> expected(Stop stop) {
        return stop == Stop.INTERRUPT ? FifoInterruptedException.class : FifoClosedException.class;
    }

    @Test
    void fifoToFifoTransferStopsWhenEitherEndClosesOrTheThreadIsInterrupted() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            for (boolean emptySource : new boolean[] {true, false}) {
                for (Stop stop : Stop.values()) {
                    String name = virtual + "-" + emptySource + "-" + stop;
                    try (Fifo in = Fifo.create(dir.resolve("in-" + name));
                         Fifo out = Fifo.create(dir.resolve("out-" + name));
                         FifoReader src = FifoReader.open(in.path(), ReaderOptions.defaults().awaitWriter(false));
                         FifoWriter srcPeer = FifoWriter.open(in.path(), WriterOptions.defaults().failIfNoReader());
                         FifoReader dstPeer = FifoReader.open(out.path(), ReaderOptions.defaults().awaitWriter(false).io(PipeOptions.defaults().nonBlocking()));
                         FifoWriter dst = FifoWriter.open(out.path(), WriterOptions.defaults().failIfNoReader())) {
                        if (!emptySource) {
                            // fill the destination: the transfer then waits for room there
                            srcPeer.write(new byte[4096]);
                            byte[] fill = new byte[65536];
                            while (dst.isOpen() && dstFill(dst, fill) > 0) {
                                // until the pipe is full
                            }
                        }
                        Thread[] t = new Thread[1];
                        CompletableFuture<Throwable> outcome = start(virtual, () -> src.transferTo(dst, Long.MAX_VALUE), t);
                        awaitWaiting(t[0]);
                        switch (stop) {
                            case CLOSE_SOURCE -> src.close();
                            case CLOSE_DESTINATION -> dst.close();
                            case INTERRUPT -> t[0].interrupt();
                        }
                        assertThat(outcome.get(10, TimeUnit.SECONDS)).as(name).isInstanceOf(expected(stop));
                        if (stop == Stop.CLOSE_DESTINATION) {
                            // the destination's reader sees end of stream once it drained what was there
                            byte[] b = new byte[65536];
                            int n;
                            while ((n = dstPeer.read(b, 0, b.length)) > 0) {
                                // drain
                            }
                            assertThat(n).as(name).isEqualTo(-1);
                        }
                    }
                }
            }
        }
    }

    private static int dstFill(FifoWriter w, byte[] b) throws IOException {
        // a non-blocking write end would be simplest; a blocking one with a full pipe would wait,
        // so write only what the pipe reports room for
        int room = w.capacity() - w.available();
        if (room <= 0) {
            return 0;
        }
        return w.write(b, 0, Math.min(room, b.length));
    }

    @Test
    void transferFromABlockingDescriptorStopsOnCloseAndOnInterrupt() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            for (Stop stop : List.of(Stop.CLOSE_DESTINATION, Stop.INTERRUPT)) {
                try (Arena arena = Arena.ofConfined();
                     Fifo out = Fifo.create(dir.resolve("from-" + virtual + stop));
                     FifoReader peer = FifoReader.open(out.path(), ReaderOptions.defaults().awaitWriter(false));
                     FifoWriter dst = FifoWriter.open(out.path(), WriterOptions.defaults().failIfNoReader())) {
                    int[] p = blockingPipe(arena);
                    try {
                        Thread[] t = new Thread[1];
                        CompletableFuture<Throwable> outcome = start(virtual,
                                () -> dst.transferFromDescriptor(p[0], Long.MAX_VALUE), t);
                        awaitWaiting(t[0]);
                        if (stop == Stop.INTERRUPT) {
                            t[0].interrupt();
                        } else {
                            dst.close();
                        }
                        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(expected(stop));
                    } finally {
                        close(arena, p);
                    }
                }
            }
        }
    }

    @Test
    void transferToAFullBlockingDescriptorStopsOnCloseAndOnInterrupt() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            for (Stop stop : List.of(Stop.CLOSE_SOURCE, Stop.INTERRUPT)) {
                try (Arena arena = Arena.ofConfined();
                     Fifo in = Fifo.create(dir.resolve("to-" + virtual + stop));
                     FifoReader src = FifoReader.open(in.path(), ReaderOptions.defaults().awaitWriter(false));
                     FifoWriter peer = FifoWriter.open(in.path(), WriterOptions.defaults().failIfNoReader())) {
                    int[] p = blockingPipe(arena);
                    try {
                        // fill the blocking pipe through a non-blocking write of our own
                        MemorySegment st = Libc.newCallState(arena);
                        Libc.fcntl(st, p[1], Flags.F_SETFL, Flags.O_NONBLOCK);
                        MemorySegment chunk = arena.allocate(65536);
                        while (Libc.write(st, p[1], chunk, chunk.byteSize()) > 0) {
                            // until EAGAIN
                        }
                        Libc.fcntl(st, p[1], Flags.F_SETFL, 0);
                        peer.write(new byte[1000]);
                        Thread[] t = new Thread[1];
                        CompletableFuture<Throwable> outcome = start(virtual,
                                () -> src.transferToDescriptor(p[1], Long.MAX_VALUE), t);
                        awaitWaiting(t[0]);
                        if (stop == Stop.INTERRUPT) {
                            t[0].interrupt();
                        } else {
                            src.close();
                        }
                        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(expected(stop));
                    } finally {
                        close(arena, p);
                    }
                }
            }
        }
    }

    private static int[] blockingPipe(Arena arena) {
        MemorySegment fds = arena.allocate(8, 4);
        assertThat(Libc.pipe2(Libc.newCallState(arena), fds, Flags.O_CLOEXEC)).isZero();
        return new int[] {fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
    }

    private static void close(Arena arena, int[] p) {
        MemorySegment st = Libc.newCallState(arena);
        Libc.close(st, p[0]);
        Libc.close(st, p[1]);
    }
}
