package dev.fifokit.ends;

import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Background;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** EOF, the next writer, keep-alive and read-write ends: the classic FIFO pitfalls, handled. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndOfStreamTest {
    @TempDir
    Path dir;

    private static final ReaderOptions NO_WAIT = ReaderOptions.defaults().awaitWriter(false);

    private static void write(Path p, String s) throws Exception {
        try (FifoWriter w = FifoWriter.open(p, WriterOptions.defaults().timeout(Duration.ofSeconds(5)))) {
            w.write(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String readSome(FifoReader r) throws Exception {
        byte[] b = new byte[100];
        int n = r.read(b, 0, b.length);
        return n < 0 ? "<EOF>" : new String(b, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void readerSeesEofWhenTheLastWriterCloses() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), NO_WAIT)) {
            write(fifo.path(), "one");
            assertThat(readSome(r)).isEqualTo("one");
            assertThat(readSome(r)).isEqualTo("<EOF>");
            assertThat(readSome(r)).isEqualTo("<EOF>");
        }
    }

    @Test
    void readerOpenedBeforeAnyWriterWaitsInsteadOfReturningEof() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), NO_WAIT)) {
            CompletableFuture<String> read = Background.supply(() -> readSome(r));
            Thread.sleep(300);
            assertThat(read).isNotDone();
            write(fifo.path(), "late");
            assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo("late");
        }
    }

    @Test
    void awaitNextWriterWaitsWithoutBurningCpu() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), NO_WAIT)) {
            write(fifo.path(), "first");
            assertThat(readSome(r)).isEqualTo("first");
            assertThat(readSome(r)).isEqualTo("<EOF>");
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            AtomicLong cpu = new AtomicLong();
            CompletableFuture<String> next = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                try {
                    r.awaitNextWriter(Duration.ofSeconds(10));
                    cpu.set(mx.getCurrentThreadCpuTime() - c0);
                    next.complete(readSome(r));
                } catch (Exception e) {
                    next.completeExceptionally(e);
                }
            });
            Thread.sleep(2000);
            assertThat(next).isNotDone();
            write(fifo.path(), "second");
            assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("second");
            t.join(5000);
            // a POLLHUP busy loop would burn ~2 s of CPU here
            assertThat(cpu.get()).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
            assertThat(readSome(r)).isEqualTo("<EOF>");
        }
    }

    @Test
    void keepAliveReaderNeverSeesEofAsWritersComeAndGo() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().keepAlive().io(PipeOptions.defaults().nonBlocking()))) {
            write(fifo.path(), "a");
            write(fifo.path(), "b");
            Thread.sleep(50);
            assertThat(readSome(r)).isEqualTo("ab");
            assertThat(r.read(new byte[10], 0, 10)).isZero(); // nothing queued, and no EOF
        }
    }

    @Test
    void aReadWriteHolderKeepsOtherReadersFromEverSeeingEof() throws Exception {
        // the classic "unneeded O_RDWR open": cat never ends until that descriptor closes
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            FifoReadWrite holder = FifoReadWrite.open(fifo.path());
            Process cat = ps.start("cat", fifo.path().toString());
            write(fifo.path(), "Hello 1\n");
            write(fifo.path(), "Hello 2\n");
            Thread.sleep(300);
            assertThat(cat.isAlive()).isTrue();
            holder.close();
            assertThat(Processes.waitFor(cat, 5)).isZero();
            assertThat(cat.getInputStream().readAllBytes()).asString().isEqualTo("Hello 1\nHello 2\n");
        }
    }

    @Test
    void nonBlockingReadReturnsZeroAtOnce() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), NO_WAIT.io(PipeOptions.defaults().nonBlocking()));
             FifoWriter w = FifoWriter.open(fifo.path())) {
            assertThat(r.read(new byte[10], 0, 10)).isZero();
            w.write("x".getBytes(StandardCharsets.UTF_8));
            assertThat(readSome(r)).isEqualTo("x");
        }
    }
}
