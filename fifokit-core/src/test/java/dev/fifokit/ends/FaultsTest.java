package dev.fifokit.ends;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.FifoAccessDeniedException;
import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoInterruptedException;
import dev.fifokit.NoSuchFifoException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.NotSeekableException;
import dev.fifokit.SymlinkException;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.OpenProbe;
import dev.fifokit.testing.Processes;
import dev.fifokit.testing.Threads;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every fault gets a typed error that names the path and the cause. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultsTest {
    @TempDir
    Path dir;

    @Test
    void missingPathIsNoSuchFifo() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> FifoReader.open(missing))
                .isInstanceOf(NoSuchFifoException.class)
                .hasMessage(missing + ": no such file or directory");
        assertThatThrownBy(() -> FifoWriter.open(missing)).isInstanceOf(NoSuchFifoException.class);
    }

    @Test
    void regularFileAndDirectoryAreNotFifos() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> FifoReader.open(file))
                .isInstanceOf(NotAFifoException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("exists and is not a FIFO");
        assertThatThrownBy(() -> FifoWriter.open(dir))
                .isInstanceOf(NotAFifoException.class)
                .hasMessageContaining("directory");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void symlinkIsRefusedUnlessAsked() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("real"))) {
            Path link = Files.createSymbolicLink(dir.resolve("link"), fifo.path());
            assertThatThrownBy(() -> FifoReader.open(link, ReaderOptions.defaults().awaitWriter(false)))
                    .isInstanceOf(SymlinkException.class)
                    .hasMessageContaining(link.toString());
            try (FifoReader r = FifoReader.open(link, ReaderOptions.defaults().awaitWriter(false).followSymlinks())) {
                assertThat(r.path()).isEqualTo(link);
            }
        }
    }

    @Test
    void permissionDeniedForAnotherUser() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(), "setpriv not available");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch user");
        Path sub = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(sub, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Fifo fifo = Fifo.create(sub.resolve("private"), 0600)) {
            String out = runAsNobody("read", fifo.path());
            assertThat(out).startsWith("FifoAccessDeniedException: " + fifo.path() + ": permission denied");
            out = runAsNobody("write", fifo.path());
            assertThat(out).startsWith("FifoAccessDeniedException: " + fifo.path() + ": permission denied");
        }
    }

    private String runAsNobody(String mode, Path path) throws Exception {
        // the build directory may sit in a private (0700) checkout: give the other user a copy
        Path copy = dir.resolve("classpath-" + mode);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("fifokit-core") && Files.isDirectory(Path.of(entry))) {
                copyTree(Path.of(entry), copy);
            }
        }
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", copy.toString(),
                OpenProbe.class.getName(), mode, path.toString());
        pb.redirectErrorStream(true);
        try (Processes ps = new Processes()) {
            Process p = ps.start(pb);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            Processes.waitFor(p, 30);
            return out;
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var walk = Files.walk(from)) {
            for (Path src : walk.toList()) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                    Files.setPosixFilePermissions(dst, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(src, dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(dst, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    @Test
    void readerGoneMidStreamIsATypedBrokenPipeAndTheJvmLives() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            Process head = ps.sh("head -c 10 '" + fifo.path() + "' > /dev/null");
            try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().timeout(Duration.ofSeconds(5)))) {
                byte[] chunk = new byte[1 << 16];
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        w.write(chunk);
                    }
                }).isInstanceOf(BrokenPipeException.class)
                        .hasMessageContaining(fifo.path().toString())
                        .hasMessageContaining("reader went away");
            }
            Processes.waitFor(head, 10);
        }
    }

    @Test
    void seekingIsRefused() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false))) {
            assertThatThrownBy(r::position)
                    .isInstanceOf(NotSeekableException.class)
                    .hasMessageContaining("not seekable");
            assertThatThrownBy(r::size)
                    .isInstanceOf(NotSeekableException.class)
                    .hasMessageContaining(fifo.path().toString())
                    .hasMessageContaining("not seekable");
        }
    }

    @Test
    void interruptDuringOpenOnPlatformAndVirtualThreads() throws Exception {
        for (Supplier<Thread.Builder> kind : List.<Supplier<Thread.Builder>>of(Thread::ofPlatform, Thread::ofVirtual)) {
            try (Fifo fifo = Fifo.create(dir.resolve("p-" + System.nanoTime()))) {
                CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                Thread t = kind.get().start(() -> {
                    try {
                        FifoWriter.open(fifo.path()).close();
                        outcome.complete(null);
                    } catch (Throwable e) {
                        outcome.complete(e);
                    }
                });
                // interrupt while it waits for a reader, not before it got there
                Threads.awaitIn(t, dev.fifokit.internal.linux.PipeFd.class, "awaitPeer", Duration.ofSeconds(30));
                assertThat(outcome).isNotDone();
                t.interrupt();
                assertThat(outcome.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(FifoInterruptedException.class)
                        .hasMessageContaining(fifo.path().toString());
            }
        }
    }

    @Test
    void interruptAndCloseDuringReadOnPlatformAndVirtualThreads() throws Exception {
        for (Supplier<Thread.Builder> kind : List.<Supplier<Thread.Builder>>of(Thread::ofPlatform, Thread::ofVirtual)) {
            for (boolean viaClose : new boolean[] {true, false}) {
                try (Fifo fifo = Fifo.create(dir.resolve("p-" + System.nanoTime()));
                     FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false))) {
                    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                    Thread t = kind.get().start(() -> {
                        try {
                            r.read(new byte[10], 0, 10);
                            outcome.complete(null);
                        } catch (Throwable e) {
                            outcome.complete(e);
                        }
                    });
                    // close or interrupt while it waits for data, not before it got there
                    Threads.awaitIn(t, dev.fifokit.internal.linux.PipeFd.class, "await", Duration.ofSeconds(30));
                    assertThat(outcome).isNotDone();
                    if (viaClose) {
                        r.close();
                    } else {
                        t.interrupt();
                    }
                    assertThat(outcome.get(30, TimeUnit.SECONDS))
                            .isInstanceOf(viaClose ? FifoClosedException.class : FifoInterruptedException.class);
                    assertThat(r.isOpen()).isFalse();
                }
            }
        }
    }

    @Test
    void closingTheFifoHandleCancelsAWaitingOpen() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("p"));
        CompletableFuture<FifoWriter> opening = new CompletableFuture<>();
        Thread opener = Thread.ofPlatform().daemon().start(() -> {
            try {
                opening.complete(fifo.openWriter(WriterOptions.defaults()));
            } catch (Throwable t) {
                opening.completeExceptionally(t);
            }
        });
        // close while the open waits for a reader (a fixed sleep may end before it even started)
        Threads.awaitIn(opener, dev.fifokit.internal.linux.PipeFd.class, "awaitPeer", Duration.ofSeconds(30));
        fifo.close();
        assertThatThrownBy(() -> opening.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(FifoClosedException.class)
                .hasMessageContaining("closed while opening");
        assertThat(fifo.path()).doesNotExist();
    }
}
