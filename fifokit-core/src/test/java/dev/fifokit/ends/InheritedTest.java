package dev.fifokit.ends;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.DescriptorException;
import dev.fifokit.DescriptorException.Problem;
import dev.fifokit.FifoClosedException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Await;
import dev.fifokit.testing.RawFds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Descriptors this process holds but did not open through fifokit (as if inherited from a
 * parent) become typed ends after the type and direction checks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InheritedTest {
    @TempDir
    Path dir;

    @Test
    void aBlockingInheritedPipeBecomesANonBlockingCloseOnExecReader() throws Exception {
        int[] p = RawFds.pipe();
        try (FifoReader in = Inherited.reader(p[0])) {
            assertThat(RawFds.descriptorFlags(p[0]) & RawFds.FD_CLOEXEC).isEqualTo(RawFds.FD_CLOEXEC);
            assertThat(RawFds.statusFlags(p[0]) & RawFds.O_NONBLOCK).isEqualTo(RawFds.O_NONBLOCK);
            assertThat(in.path()).as("an anonymous pipe has no path").isNull();
            assertThat(in.descriptor()).isEqualTo(p[0]);
            RawFds.write(p[1], "hello".getBytes(StandardCharsets.UTF_8));
            RawFds.close(p[1]);
            p[1] = -1;
            assertThat(new String(in.inputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(in.read(new byte[1], 0, 1)).as("end of stream once the writer closed").isEqualTo(-1);
        } finally {
            if (p[1] >= 0) {
                RawFds.close(p[1]);
            }
        }
        assertThat(RawFds.isOpen(p[0])).as("closing the end closes the inherited descriptor").isFalse();
    }

    @Test
    void theParentsCopyOfTheDescriptorStaysBlocking() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("shared"))) {
            int fd = RawFds.open(fifo.path(), RawFds.O_RDWR); // a shell's exec 3<>fifo
            int parentsCopy = RawFds.dup(fd);                   // same open file description
            try (FifoWriter out = Inherited.writer(fd)) {
                assertThat(RawFds.statusFlags(fd) & RawFds.O_NONBLOCK).isEqualTo(RawFds.O_NONBLOCK);
                assertThat(RawFds.statusFlags(parentsCopy) & RawFds.O_NONBLOCK)
                        .as("the parent's blocking reads must not start failing with EAGAIN").isZero();
                out.write("still one pipe".getBytes(StandardCharsets.UTF_8));
                try (FifoReader in = Inherited.reader(parentsCopy)) {
                    byte[] b = new byte[64];
                    assertThat(new String(b, 0, in.read(b, 0, b.length), StandardCharsets.UTF_8)).isEqualTo("still one pipe");
                }
            }
        }
    }

    @Test
    void anInheritedFifoReaderWhoseWriterAlreadyLeftStillSeesEndOfStream() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("left"))) {
            int fd = RawFds.open(fifo.path(), RawFds.O_RDONLY | RawFds.O_NONBLOCK);
            try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader())) {
                w.write("last words".getBytes(StandardCharsets.UTF_8));
            }
            // a fresh open now would wait for a next writer; the adopted end must not
            try (FifoReader in = Inherited.reader(fd)) {
                CompletableFuture<String> all = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(in.inputStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(all.get(30, TimeUnit.SECONDS)).isEqualTo("last words");
            }
        }
    }

    @Test
    void anInheritedWriterReportsABrokenPipeWhenTheReaderGoes() throws Exception {
        int[] p = RawFds.pipe();
        try (FifoWriter out = Inherited.writer(p[1])) {
            out.write("x".getBytes(StandardCharsets.UTF_8));
            RawFds.close(p[0]);
            assertThatThrownBy(() -> out.write(new byte[10])).isInstanceOf(BrokenPipeException.class);
        }
        assertThat(RawFds.isOpen(p[1])).isFalse();
    }

    @Test
    void aRegularFileIsRefusedNamingTheDescriptor() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        int fd = RawFds.open(file, RawFds.O_RDONLY);
        try {
            assertThatThrownBy(() -> Inherited.reader(fd))
                    .isInstanceOfSatisfying(DescriptorException.class, e -> {
                        assertThat(e.problem()).isEqualTo(Problem.NOT_A_PIPE);
                        assertThat(e.descriptor()).isEqualTo(fd);
                    })
                    .hasMessage("fd " + fd + ": is a regular file, not a FIFO or pipe");
            assertThat(RawFds.isOpen(fd)).as("a refused descriptor is left alone").isTrue();
            assertThat(RawFds.descriptorFlags(fd) & RawFds.FD_CLOEXEC).as("and its flags unchanged").isZero();
        } finally {
            RawFds.close(fd);
        }
    }

    @Test
    void aSocketIsRefused() {
        int fd = RawFds.socket();
        try {
            assertThatThrownBy(() -> Inherited.writer(fd))
                    .isInstanceOfSatisfying(DescriptorException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_A_PIPE))
                    .hasMessage("fd " + fd + ": is a socket, not a FIFO or pipe");
        } finally {
            RawFds.close(fd);
        }
    }

    @Test
    void theWrongDirectionIsRefusedBothWays() {
        int[] p = RawFds.pipe();
        try {
            assertThatThrownBy(() -> Inherited.writer(p[0]))
                    .isInstanceOfSatisfying(DescriptorException.class, e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_DIRECTION))
                    .hasMessage("fd " + p[0] + ": is open for reading only; a writer needs it open for writing (O_WRONLY or O_RDWR)");
            assertThatThrownBy(() -> Inherited.reader(p[1]))
                    .isInstanceOfSatisfying(DescriptorException.class, e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_DIRECTION))
                    .hasMessageContaining("is open for writing only; a reader needs it open for reading");
            assertThatThrownBy(() -> Inherited.readWrite(p[1], PipeOptions.defaults()))
                    .isInstanceOf(DescriptorException.class).hasMessageContaining("needs it open for reading and writing");
        } finally {
            RawFds.close(p[0]);
            RawFds.close(p[1]);
        }
    }

    @Test
    void aNumberThatIsNotOpenIsRefused() {
        int fd = 19_999; // below the descriptor limit, never opened by this JVM
        assertThat(RawFds.isOpen(fd)).isFalse();
        assertThatThrownBy(() -> Inherited.reader(fd))
                .isInstanceOfSatisfying(DescriptorException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_OPEN))
                .hasMessage("fd 19999: is not open in this process");
    }

    @Test
    void oneDescriptorGetsOneOwnerUntilItIsClosed() throws Exception {
        int[] p = RawFds.pipe();
        try {
            FifoReader first = Inherited.reader(p[0]);
            assertThatThrownBy(() -> Inherited.reader(p[0]))
                    .isInstanceOfSatisfying(DescriptorException.class, e -> assertThat(e.problem()).isEqualTo(Problem.ALREADY_ADOPTED));
            first.close();
            int[] again = RawFds.pipe(); // the lowest free numbers: very likely p[0] again
            try (FifoReader second = Inherited.reader(again[0])) {
                assertThat(second.isOpen()).isTrue();
            } finally {
                RawFds.close(again[1]);
            }
        } finally {
            RawFds.close(p[1]);
        }
    }

    @Test
    void anInheritedFifoReaderWaitsForItsFirstWriterAndThenForTheNext() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("named"))) {
            int fd = RawFds.open(fifo.path(), RawFds.O_RDONLY | RawFds.O_NONBLOCK);
            try (FifoReader in = Inherited.reader(fd)) {
                assertThat(in.path()).isEqualTo(fifo.path().toRealPath());
                CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(in.inputStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(100);
                assertThat(got).as("no writer yet: the read waits instead of seeing end of stream").isNotDone();
                try (FifoWriter w = FifoWriter.open(fifo.path())) {
                    w.write("one".getBytes(StandardCharsets.UTF_8));
                }
                assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo("one");
                assertThatThrownBy(() -> in.awaitNextWriter(Duration.ofMillis(100))).isInstanceOf(PeerTimeoutException.class);
            }
        }
    }

    @Test
    void aFifoInheritedReadWriteNeverEndsItsStream() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("rw"))) {
            int fd = RawFds.open(fifo.path(), RawFds.O_RDWR); // how systemd opens ListenFIFO=
            try (FifoReader in = Inherited.reader(fd)) {
                try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader())) {
                    w.write("a".getBytes(StandardCharsets.UTF_8));
                }
                byte[] b = new byte[8];
                assertThat(in.read(b, 0, 8)).isEqualTo(1);
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        in.read(b, 0, 8);
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                // the last writer has gone, but this end is a writer too: the read parks instead of -1
                Await.until(Duration.ofSeconds(30), "the virtual reader parks",
                        () -> reader.getState() == Thread.State.WAITING);
                in.close();
                assertThat(reader.join(Duration.ofSeconds(30))).isTrue();
                assertThat(failure.get()).isInstanceOf(FifoClosedException.class);
            }
        }
    }

    @Test
    void nonBlockingModeAppliesToAnAdoptedEnd() throws Exception {
        int[] p = RawFds.pipe();
        try (FifoReader in = Inherited.reader(p[0], PipeOptions.defaults().nonBlocking())) {
            assertThat(in.read(new byte[4], 0, 4)).as("nothing queued: 0 at once").isZero();
        } finally {
            RawFds.close(p[1]);
        }
    }

    // ---- LISTEN_FDS, as sd_listen_fds(3) reads it ----

    @Test
    void listenFdsAreReadOnlyForTheProcessTheyNamePassed() throws Exception {
        ListenFds mine = ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "in:out"), 42);
        assertThat(mine.entries()).containsExactly(new ListenFds.Entry(3, "in"), new ListenFds.Entry(4, "out"));
        assertThat(mine.require("out")).isEqualTo(4);
        assertThatThrownBy(() -> mine.require("other"))
                .isInstanceOfSatisfying(DescriptorException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_PASSED))
                .hasMessage("listen:other: no descriptor of that name was passed (names: in=fd 3, out=fd 4)");

        ListenFds leaked = ListenFds.parse(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "2"), 42);
        assertThat(leaked.isEmpty()).isTrue();
        assertThatThrownBy(() -> leaked.require("in")).hasMessageContaining("passed to process 41, not to this one (42)");

        assertThat(ListenFds.parse(Map.of(), 42).isEmpty()).isTrue();
        assertThat(ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "1"), 42).entries())
                .containsExactly(new ListenFds.Entry(3, "unknown"));
    }

    @Test
    void malformedListenVariablesAreTypedErrors() {
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "x", "LISTEN_FDS", "1"), 42))
                .isInstanceOfSatisfying(DescriptorException.class, e -> assertThat(e.problem()).isEqualTo(Problem.BAD_ENVIRONMENT))
                .hasMessage("LISTEN_FDS: LISTEN_PID=x is not a number");
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "a"), 42))
                .hasMessageContaining("has 1 names for LISTEN_FDS=2 descriptors");
    }
}
