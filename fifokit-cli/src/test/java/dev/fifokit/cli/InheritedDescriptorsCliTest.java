package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fd:N} and {@code listen:NAME} in place of a FIFO's path: descriptors a parent process
 * opened (a shell's {@code 5>fifo}, a pipe) and ones passed the way systemd passes
 * {@code ListenFIFO=}, with the real {@code systemd-socket-activate} when it is installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InheritedDescriptorsCliTest {
    @TempDir
    Path dir;

    private static final Path ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");

    /** {@code sh -c SCRIPT sh ARGS... fifokit FIFOKIT_ARGS...}: SCRIPT ends with {@code exec "$@"}. */
    private static List<String> sh(String script, List<String> args, String... fifokitArgs) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        cmd.addAll(args);
        cmd.addAll(CliProcess.command(fifokitArgs));
        return cmd;
    }

    private static CliProcess.Result run(List<String> command, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder(command).start();
        try {
            return CliProcess.finish(p, stdin, 60);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void writeIntoADescriptorTheShellOpened() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("w.fifo"));
             FifoReader in = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false))) {
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.inputStream().readAllBytes();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CliProcess.Result r = run(sh("exec 5>\"$1\"; shift; exec \"$@\"", List.of(fifo.path().toString()),
                    "write", "fd:5"), "from the shell's fd 5\n".getBytes(StandardCharsets.UTF_8));
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(new String(got.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("from the shell's fd 5\n");
        }
    }

    @Test
    void catAnInheritedPipeUntilItsEnd() throws Exception {
        CliProcess.Result r = run(sh("exec 7<&0; exec \"$@\" </dev/null", List.of(), "cat", "--follow", "fd:7"),
                "a\nb\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).as("--follow on a pipe ends with it: a pipe has no next writer").isEqualTo("a\nb\n");
    }

    @Test
    void echoServerOnStandardInput() throws Exception {
        CliProcess.Result r = CliProcess.run("one\ntwo\n".getBytes(StandardCharsets.UTF_8), 60, "echo-server", "fd:0");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).isEqualTo("one\ntwo\n");
    }

    @Test
    void aRegularFileOrTheWrongDirectionIsATypedError() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "not a pipe");
        CliProcess.Result notPipe = run(sh("exec 4<\"$1\"; shift; exec \"$@\"", List.of(file.toString()), "cat", "fd:4"),
                new byte[0]);
        assertThat(notPipe.exit()).isEqualTo(1);
        assertThat(notPipe.stderr()).isEqualTo("fifokit: fd 4: is a regular file, not a FIFO or pipe\n");

        CliProcess.Result wrongWay = CliProcess.run(new byte[0], 60, "write", "fd:0");
        assertThat(wrongWay.exit()).isEqualTo(1);
        assertThat(wrongWay.stderr()).isEqualTo(
                "fifokit: fd 0: is open for reading only; a writer needs it open for writing (O_WRONLY or O_RDWR)\n");

        CliProcess.Result closed = CliProcess.run(new byte[0], 60, "cat", "fd:99");
        assertThat(closed.exit()).isEqualTo(1);
        assertThat(closed.stderr()).isEqualTo("fifokit: fd 99: is not open in this process\n");
    }

    @Test
    void listenVariablesMeantForAnotherProcessAreIgnored() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(CliProcess.command("cat", "listen:in"));
        pb.environment().putAll(java.util.Map.of("LISTEN_PID", "1", "LISTEN_FDS", "1", "LISTEN_FDNAMES", "in"));
        Process p = pb.start();
        try {
            CliProcess.Result r = CliProcess.finish(p, new byte[0], 60);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.stderr()).startsWith("fifokit: listen:in: the descriptors in LISTEN_FDS were passed to process 1, not to this one (");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * A FIFO opened read-write at fd 3 (as systemd opens {@code ListenFIFO=}) and a listening
     * socket at fd 4, named "in" and "sock". With systemd-socket-activate installed, it passes
     * the FIFO through (it re-exports descriptors it received) and adds the socket; it sets
     * LISTEN_PID itself, then waits for a connection before it executes fifokit. Without it,
     * the shell sets the same variables with LISTEN_PID = its own pid, which exec keeps.
     */
    private Process activated(Path fifo, Path socket, String... fifokitArgs) throws Exception {
        boolean real = Files.isExecutable(ACTIVATE);
        String script = real
                ? "exec 3<>\"$1\"; shift; LISTEN_FDS=1 LISTEN_PID=$$ exec \"$@\""
                : "exec 3<>\"$1\"; shift; LISTEN_FDS=1 LISTEN_FDNAMES=in LISTEN_PID=$$ exec \"$@\"";
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, "sh", fifo.toString()));
        if (real) {
            cmd.addAll(List.of(ACTIVATE.toString(), "--fdname=in:sock", "-l", socket.toString()));
        }
        cmd.addAll(CliProcess.command(fifokitArgs));
        Process p = new ProcessBuilder(cmd).start();
        if (Files.isExecutable(ACTIVATE)) {
            // the activator executes its command on the first connection
            Await.until(Duration.ofSeconds(30), "the activator listens on " + socket, () -> Files.exists(socket));
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                Await.until(Duration.ofSeconds(30), "the activator executes fifokit",
                        () -> p.info().command().map(s -> s.endsWith("/java")).orElse(false) || !p.isAlive());
            }
        }
        return p;
    }

    @Test
    void catReadsAFifoPassedUnderItsListenName() throws Exception {
        Path socket = dir.resolve("act.sock");
        try (Fifo fifo = Fifo.create(dir.resolve("listen.fifo"))) {
            Process p = activated(fifo.path(), socket, "cat", "listen:in");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().timeout(Duration.ofSeconds(30)))) {
                    w.write("first client\n".getBytes(StandardCharsets.UTF_8));
                }
                assertThat(out.readLine()).isEqualTo("first client");
                // opened read-write, like systemd does: the first writer leaving is not the end
                try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader())) {
                    w.write("second client\n".getBytes(StandardCharsets.UTF_8));
                }
                assertThat(out.readLine()).isEqualTo("second client");
                assertThat(p.isAlive()).isTrue();
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aSocketPassedUnderAListenNameIsRefused() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(ACTIVATE),
                "systemd-socket-activate is needed to pass a listening socket");
        Path socket = dir.resolve("act2.sock");
        try (Fifo fifo = Fifo.create(dir.resolve("listen2.fifo"))) {
            Process p = activated(fifo.path(), socket, "cat", "listen:sock");
            try {
                CliProcess.Result r = CliProcess.finish(p, new byte[0], 60);
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.stderr()).endsWith("fifokit: fd 4: is a socket, not a FIFO or pipe\n");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void launchGivesTheCommandFifosAsChosenDescriptorsAndNothingElse() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo")); Fifo out = Fifo.create(dir.resolve("out.fifo"))) {
            Process p = new ProcessBuilder(CliProcess.command("launch", "--read-fd", "5=" + in.path(),
                    "--write-fd", "7=" + out.path(), "--", "sh", "-c", "tr a-z A-Z <&5 >&7; ls /proc/$$/fd")).start();
            try {
                // launch opens in.fifo first, waiting for a writer, then out.fifo, waiting for a reader
                try (FifoWriter w = FifoWriter.open(in.path(), WriterOptions.defaults().timeout(Duration.ofSeconds(30)))) {
                    FifoReader r = FifoReader.open(out.path(), ReaderOptions.defaults().awaitWriter(false));
                    try (r) {
                        w.write("hello\n".getBytes(StandardCharsets.UTF_8));
                        w.close();
                        assertThat(new String(r.inputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("HELLO\n");
                    }
                }
                CliProcess.Result res = CliProcess.finish(p, new byte[0], 60);
                assertThat(res.exit()).as(res.stderr()).isZero();
                assertThat(res.out()).isEqualTo("out| 0\nout| 1\nout| 2\nout| 5\nout| 7\n");
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    @Test
    void launchPassesAnInheritedDescriptorOnUnderAnotherNumber() throws Exception {
        CliProcess.Result r = run(sh("exec 6<&0; exec \"$@\" </dev/null", List.of(),
                "launch", "--read-fd", "0=fd:6", "--", "tr", "a-z", "A-Z"), "piped in\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).isEqualTo("out| PIPED IN\n");
    }

    @Test
    void launchRefusesABadDescriptorSpecification() throws Exception {
        CliProcess.Result r = CliProcess.run(new byte[0], 60, "launch", "--read-fd", "x=/tmp", "--", "true");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("fifokit: --read-fd needs N=PATH with N a descriptor number: x=/tmp");
    }
}
