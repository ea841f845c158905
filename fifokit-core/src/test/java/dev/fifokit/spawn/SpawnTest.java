package dev.fifokit.spawn;

import dev.fifokit.FifoClosedException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.ends.Pipe;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.RawFds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Handing ends to a child process as chosen descriptor numbers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpawnTest {
    @TempDir
    Path dir;

    private final List<ChildProcess> children = new ArrayList<>();

    private ChildProcess start(Spawn spawn) throws IOException {
        ChildProcess c = spawn.start();
        children.add(c);
        return c;
    }

    @AfterEach
    void reapEveryChild() {
        children.forEach(ChildProcess::close);
        for (ChildProcess c : children) {
            assertThat(Files.exists(Path.of("/proc/" + c.pid()))).as("child %d reaped", c.pid()).isFalse();
        }
    }

    private static String readAll(FifoReader in) throws IOException {
        return new String(in.inputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aChildReadsDescriptorFiveFromAWriterAndWritesItsStdoutIntoAnother() throws Exception {
        try (Pipe toChild = Pipe.open(); Pipe fromChild = Pipe.open()) {
            ChildProcess child = start(Spawn.command("sh", "-c", "cat <&5")
                    .fd(5, toChild.reader()).stdout(fromChild.writer()));
            toChild.reader().close();   // the child holds its own copy
            fromChild.writer().close();
            // written after the child started: a non-blocking descriptor would make cat fail with EAGAIN
            Thread.sleep(100);
            toChild.writer().write("through fd 5\n".getBytes(StandardCharsets.UTF_8));
            toChild.writer().close();
            assertThat(readAll(fromChild.reader())).isEqualTo("through fd 5\n");
            assertThat(child.waitFor()).isZero();
        }
    }

    @Test
    void theChildsCopyIsBlockingEvenThoughTheEndIsNot() throws Exception {
        try (Pipe toChild = Pipe.open(); Pipe fromChild = Pipe.open()) {
            ChildProcess child = start(Spawn.command("sh", "-c", "cat /proc/self/fdinfo/7")
                    .fd(7, toChild.reader()).stdout(fromChild.writer()));
            fromChild.writer().close();
            String fdinfo = readAll(fromChild.reader());
            String flags = fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
            int octal = Integer.parseInt(flags.substring("flags:".length()).strip(), 8);
            assertThat(octal & RawFds.O_NONBLOCK).as(flags).isZero();
            assertThat(octal & 3).as("read-only, like the end").isEqualTo(RawFds.O_RDONLY);
            assertThat(child.waitFor()).isZero();
        }
    }

    @Test
    void handedOverEndsAreTheChildsAloneBlockingAndClosedHere() throws Exception {
        try (Pipe toChild = Pipe.open(); Pipe fromChild = Pipe.open()) {
            ChildProcess child = start(Spawn.command("sh", "-c", "grep flags /proc/self/fdinfo/0; cat")
                    .handOver(0, toChild.reader()).handOver(1, fromChild.writer()));
            assertThat(toChild.reader().isOpen()).as("closed here once the child has it").isFalse();
            assertThat(fromChild.writer().isOpen()).isFalse();
            Thread.sleep(100); // the child's cat is waiting: a non-blocking stdin would fail with EAGAIN
            toChild.writer().write("handed over\n".getBytes(StandardCharsets.UTF_8));
            toChild.writer().close(); // the child's is the only reader left: it sees end of file
            String out = readAll(fromChild.reader()); // and ours the only reader of its output: end of file when it exits
            String flags = out.lines().findFirst().orElseThrow();
            assertThat(Integer.parseInt(flags.substring("flags:".length()).strip(), 8) & RawFds.O_NONBLOCK).as(flags).isZero();
            assertThat(out).endsWith("handed over\n");
            assertThat(child.waitFor()).isZero();
        }
    }

    @Test
    void destroyTreeKillsTheChildsDescendantsToo() throws Exception {
        try (Pipe fromChild = Pipe.open()) {
            ChildProcess child = start(Spawn.command("sh", "-c", "sleep 60 & echo $!; wait")
                    .handOver(1, fromChild.writer()));
            java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(fromChild.reader().inputStream(), StandardCharsets.UTF_8));
            long grandchild = Long.parseLong(lines.readLine().strip());
            assertThat(ProcessHandle.of(grandchild)).isPresent();
            child.destroyTree();
            assertThat(child.waitFor(java.time.Duration.ofSeconds(30))).isTrue();
            dev.fifokit.testing.Await.until(java.time.Duration.ofSeconds(30), "grandchild " + grandchild + " killed",
                    () -> ProcessHandle.of(grandchild).map(h -> !h.isAlive()).orElse(true));
        }
    }

    @Test
    void aChildsStdoutCanBeANamedFifosWriter() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("out.fifo"));
             FifoReader in = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false))) {
            ChildProcess child;
            try (FifoWriter w = FifoWriter.open(fifo.path())) {
                child = start(Spawn.command("echo", "hello from echo").stdout(w));
            }
            assertThat(readAll(in)).isEqualTo("hello from echo\n");
            assertThat(child.waitFor()).isZero();
        }
    }

    @Test
    void descriptorsNotHandedOverDoNotLeakIntoTheChild() throws Exception {
        Path file = Files.writeString(dir.resolve("leaky"), "x");
        int inheritable = RawFds.open(file, RawFds.O_RDONLY); // no O_CLOEXEC, like the JDK's own files
        try (Pipe pipe = Pipe.open(); Pipe other = Pipe.open()) {
            ChildProcess child = start(Spawn.command("sleep", "30").fd(9, pipe.reader()));
            // the child's dynamic loader opens its libraries for a moment after exec: a leaked
            // descriptor stays, a library's goes, so look until the set settles (bounded)
            Set<Integer> fds = new TreeSet<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            do {
                fds.clear();
                try (Stream<Path> s = Files.list(Path.of("/proc/" + child.pid() + "/fd"))) {
                    s.forEach(p -> fds.add(Integer.parseInt(p.getFileName().toString())));
                }
                if (fds.equals(Set.of(0, 1, 2, 9))) {
                    break;
                }
                Thread.sleep(20);
            } while (System.nanoTime() - deadline < 0);
            assertThat(fds).containsExactly(0, 1, 2, 9);
            String target = Files.readSymbolicLink(Path.of("/proc/" + child.pid() + "/fd/9")).toString();
            String ours = Files.readSymbolicLink(Path.of("/proc/self/fd/" + pipe.reader().descriptor())).toString();
            assertThat(target).as("fd 9 is the same pipe").isEqualTo(ours);
            child.destroy();
            assertThat(child.waitFor()).isEqualTo(128 + 15);
        } finally {
            RawFds.close(inheritable);
        }
    }

    @Test
    void aMissingCommandIsATypedErrorAndLeavesNoChild() throws Exception {
        assertThatThrownBy(() -> Spawn.command("fifokit-no-such-command-here").start())
                .isInstanceOfSatisfying(SpawnException.class, e -> {
                    assertThat(e.problem()).isEqualTo(SpawnException.Problem.NOT_FOUND);
                    assertThat(e.shellStatus()).isEqualTo(127);
                })
                .hasMessage("fifokit-no-such-command-here: command not found");
        Path notExecutable = Files.writeString(dir.resolve("script"), "#!/bin/sh\n");
        assertThatThrownBy(() -> Spawn.command(notExecutable.toString()).start())
                .isInstanceOfSatisfying(SpawnException.class,
                        e -> assertThat(e.problem()).isEqualTo(SpawnException.Problem.NOT_EXECUTABLE));
        assertThat(ProcessHandle.current().children().filter(h -> h.info().command().orElse("").contains("fifokit-no-such")))
                .isEmpty();
        assertThat(zombies()).as("the C library reaps a child whose exec failed").isEmpty();
    }

    /** Children of this JVM that have exited and not been reaped. */
    private static List<Long> zombies() throws IOException {
        List<Long> found = new ArrayList<>();
        for (ProcessHandle h : ProcessHandle.current().children().toList()) {
            try {
                String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    found.add(h.pid());
                }
            } catch (IOException gone) {
                // exited meanwhile
            }
        }
        return found;
    }

    @Test
    void exitStatusWaitingWithADeadlineAndStopping() throws Exception {
        ChildProcess seven = start(Spawn.command("sh", "-c", "exit 7"));
        assertThat(seven.waitFor(Duration.ofSeconds(30))).isTrue();
        assertThat(seven.exitStatus()).hasValue(7);
        assertThat(seven.isAlive()).isFalse();
        assertThat(seven.signal(15)).as("no signal after reaping").isFalse();

        ChildProcess sleeper = start(Spawn.command("sleep", "30"));
        assertThat(sleeper.waitFor(Duration.ofMillis(200))).isFalse();
        assertThat(sleeper.exitStatus()).isEmpty();
        sleeper.destroyForcibly();
        assertThat(sleeper.waitFor()).isEqualTo(128 + 9);
        assertThat(zombies()).doesNotContain(sleeper.pid());
    }

    @Test
    void closeKillsAndReapsARunningChild() throws Exception {
        ChildProcess sleeper = Spawn.command("sleep", "30").start();
        long pid = sleeper.pid();
        sleeper.close();
        assertThat(Files.exists(Path.of("/proc/" + pid))).isFalse();
        assertThat(sleeper.exitStatus()).hasValue(128 + 9);
    }

    @Test
    void aVirtualThreadWaitingForAChildParksAndAnInterruptEndsTheWait() throws Exception {
        ChildProcess sleeper = start(Spawn.command("sleep", "30"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                sleeper.waitFor();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        dev.fifokit.testing.Await.until(Duration.ofSeconds(30), "the waiter parks",
                () -> waiter.getState() == Thread.State.WAITING);
        waiter.interrupt();
        assertThat(waiter.join(Duration.ofSeconds(30))).isTrue();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(sleeper.isAlive()).as("an interrupted wait leaves the child running").isTrue();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return sleeper.waitFor();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        sleeper.destroy();
        assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(128 + 15);
    }

    @Test
    void environmentAndWorkingDirectory() throws Exception {
        try (Pipe out = Pipe.open()) {
            ChildProcess child = start(Spawn.command("sh", "-c", "echo \"$GREETING\"; pwd")
                    .env("GREETING", "hi there").directory(dir).stdout(out.writer()));
            out.writer().close();
            assertThat(readAll(out.reader())).isEqualTo("hi there\n" + dir.toRealPath() + "\n");
            assertThat(child.waitFor()).isZero();
        }
    }

    @Test
    void waitingForAWriterWithoutReadingKeepsEveryByteForTheChild() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("wait.fifo"));
             FifoReader in = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false));
             Pipe out = Pipe.open()) {
            assertThatThrownBy(() -> Spawn.awaitWriter(in, Duration.ofMillis(100)))
                    .isInstanceOf(dev.fifokit.PeerTimeoutException.class);
            CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> {
                try {
                    Spawn.awaitWriter(in, Duration.ofSeconds(30));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader())) {
                w.write("every byte".getBytes(StandardCharsets.UTF_8));
                waited.get(30, TimeUnit.SECONDS);
                ChildProcess child = start(Spawn.command("cat").stdin(in).stdout(out.writer()));
                in.close();
                out.writer().close();
                w.close();
                assertThat(readAll(out.reader())).isEqualTo("every byte");
                assertThat(child.waitFor()).isZero();
            }
        }
    }

    @Test
    void aClosedEndCannotBeHandedOver() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.close();
        assertThatThrownBy(() -> Spawn.command("true").stdin(pipe.reader()).start())
                .isInstanceOf(FifoClosedException.class);
    }

    @Test
    void aFifoWriterWhoseReaderLeftCannotBeHandedOver() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("gone.fifo"))) {
            FifoReader in = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false));
            try (FifoWriter w = FifoWriter.open(fifo.path())) {
                in.close();
                assertThatThrownBy(() -> Spawn.command("true").stdout(w).start())
                        .isInstanceOf(dev.fifokit.NoReaderException.class)
                        .hasMessageContaining(fifo.path().getFileName().toString());
            }
        }
    }

    @Test
    void aChildWithStdoutOnABrokenPipeDiesOfSigpipeNotOfAnInheritedDisposition() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.reader().close();
            // the reader is gone before the child writes: the child's write raises SIGPIPE
            ChildProcess child = start(Spawn.command("sh", "-c", "sleep 0.1; exec echo lost").stdout(pipe.writer()));
            assertThat(child.waitFor()).isEqualTo(128 + 13);
        }
    }
}
