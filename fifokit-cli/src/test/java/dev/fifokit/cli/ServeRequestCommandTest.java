package dev.fifokit.cli;

import dev.fifokit.testing.Await;
import dev.fifokit.testing.CPeer;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code fifokit serve} and {@code fifokit request} as real processes. */
@Timeout(240)
class ServeRequestCommandTest {
    @TempDir
    Path tmp;

    private final List<Process> servers = new ArrayList<>();
    /** Each server's stderr, read from the start: reading only after the exit can lose the tail. */
    private final Map<Process, ByteArrayOutputStream> stderrs = new ConcurrentHashMap<>();
    private final Map<Process, Thread> readers = new ConcurrentHashMap<>();

    @AfterEach
    void stopServers() {
        for (Process p : servers) {
            p.destroyForcibly();
        }
    }

    /** Starts {@code fifokit serve ARGS} and waits until its server.fifo is in place. */
    Process serve(Path dir, String... args) throws Exception {
        return serveVia(List.of(), dir, args);
    }

    /** {@link #serve} with the JVM's command line prefixed by {@code launcher} (a program that execs the rest). */
    Process serveVia(List<String> launcher, Path dir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("serve"));
        all.addAll(List.of(args));
        List<String> command = new ArrayList<>(launcher);
        command.addAll(CliProcess.command(all.toArray(String[]::new)));
        Process p = new ProcessBuilder(command).start();
        servers.add(p);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        stderrs.put(p, err);
        readers.put(p, Thread.ofPlatform().start(() -> {
            try (InputStream in = p.getErrorStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0; ) {
                    synchronized (err) {
                        err.write(b, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the server ended
            }
        }));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve("server.fifo"))) {
            if (!p.isAlive()) {
                readers.get(p).join(5000);
                throw new AssertionError("serve exited " + p.exitValue() + ": " + stderr(p));
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("serve did not start");
            }
            Thread.sleep(20);
        }
        return p;
    }

    String stderr(Process server) {
        ByteArrayOutputStream err = stderrs.get(server);
        synchronized (err) {
            return err.toString(UTF_8);
        }
    }

    /** Waits for a server to exit (after a signal); returns its status. */
    int exitOf(Process server) throws Exception {
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("serve exited").isTrue();
        readers.get(server).join(5000);
        return server.exitValue();
    }

    static final String SCRIPT = """
            read -r x
            case "$x" in
              fail) echo "it failed: $x" >&2; exit 3 ;;
              silent-fail) exit 4 ;;
              gate:*) i=0; while [ ! -e "${x#gate:}" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; echo "gated done" ;;
              hang) sleep 60 ;;
              who) echo "pid=$FIFOKIT_CLIENT_PID uid=$FIFOKIT_CLIENT_UID" ;;
              *) printf '%s' "$x" | tr a-z A-Z ;;
            esac
            """;

    Process serveScript(Path dir, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of(dir.toString(), "--", "sh", "-c", SCRIPT));
        return serve(dir, args.toArray(String[]::new));
    }

    static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @Test
    void requestAndReplyWithTheClientsIdentity() throws Exception {
        Path dir = tmp.resolve("srv");
        serveScript(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        CliProcess.Result r = CliProcess.run(60, "request", dir.toString(), "hello");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).isEqualTo("HELLO");
        CliProcess.Result s = CliProcess.run("from stdin\n".getBytes(UTF_8), 60, "request", dir.toString());
        assertThat(s.out()).isEqualTo("FROM STDIN");
        CliProcess.Result w = CliProcess.run(60, "request", dir.toString(), "who");
        assertThat(w.out()).matches("pid=\\d+ uid=" + uid() + "\n");
    }

    @Test
    void aFailingCommandGivesAnErrorReplyWithItsStderr() throws Exception {
        Path dir = tmp.resolve("srv");
        serveScript(dir);
        CliProcess.Result r = CliProcess.run(60, "request", dir.toString(), "fail");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.stderr()).isEqualTo("it failed: fail\n");
        CliProcess.Result s = CliProcess.run(60, "request", dir.toString(), "silent-fail");
        assertThat(s.exit()).isEqualTo(1);
        assertThat(s.stderr()).isEqualTo("sh exited with status 4\n");
    }

    @Test
    void noServerExits3AtOnce() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        CliProcess.Result r = CliProcess.run(60, "request", "-t", "30s", dir.toString(), "x");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.stderr()).startsWith("fifokit: " + dir.resolve("server.fifo") + ": ");
        assertThat(CliProcess.run(60, "request", tmp.resolve("missing").toString(), "x").exit()).isEqualTo(3);
    }

    @Test
    void aSilentServerExits124() throws Exception {
        Path dir = tmp.resolve("srv");
        serveScript(dir);
        CliProcess.Result r = CliProcess.run(60, "request", "-t", "500ms", dir.toString(), "hang");
        assertThat(r.exit()).isEqualTo(124);
        assertThat(r.stderr()).contains("no reply within 500ms");
    }

    @Test
    void theServersDeadlineKillsTheCommandAndTellsTheClient() throws Exception {
        Path dir = tmp.resolve("srv");
        serveScript(dir, "--deadline", "500ms");
        CliProcess.Result r = CliProcess.run(60, "request", dir.toString(), "hang");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("deadline of 500ms exceeded");
        assertThat(CliProcess.run(60, "request", dir.toString(), "next").out()).isEqualTo("NEXT");
    }

    @Test
    void aSecondServerOnTheSameDirectoryIsRefused() throws Exception {
        Path dir = tmp.resolve("srv");
        serveScript(dir);
        CliProcess.Result r = CliProcess.run(60, "serve", dir.toString(), "--", "cat");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("another server is already running in this directory");
        assertThat(CliProcess.run(60, "request", dir.toString(), "still").out()).isEqualTo("STILL");
    }

    @Test
    void aDirectoryThatIsNotADirectoryIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        CliProcess.Result r = CliProcess.run(60, "serve", file.toString(), "--", "cat");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("fifokit: " + file + ": exists and is not a directory\n");
    }

    @Test
    void sigtermFinishesRequestsInFlightRemovesServerFifoAndExits0() throws Exception {
        Path dir = tmp.resolve("srv");
        Process server = serveScript(dir);
        // the handlers wait for this file (at most 60 s): every request is still in flight at
        // the SIGTERM however slowly the clients start (with a fixed "sleep 1" the first could
        // be answered, and its FIFO gone, before the last had made its own)
        Path gate = tmp.resolve("gate");
        List<Process> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(CliProcess.start("request", dir.toString(), "gate:" + gate));
        }
        awaitClientFifos(dir, 3);
        awaitRequestsWritten(dir, clients);
        server.destroy(); // SIGTERM
        awaitGone(dir.resolve("server.fifo")); // the stop has begun
        Files.createFile(gate);
        assertThat(exitOf(server)).as(stderr(server)).isZero();
        assertThat(Files.exists(dir.resolve("server.fifo"))).isFalse();
        for (Process c : clients) {
            CliProcess.Result r = CliProcess.finish(c, new byte[0], 60);
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.out()).isEqualTo("gated done\n");
        }
    }

    @Test
    void sigintStopsGracefullyToo() throws Exception {
        Path dir = tmp.resolve("srv");
        // A shell without job control starts background commands with SIGINT ignored, children
        // inherit that, and a JVM leaves an ignored SIGINT ignored: a build started that way
        // (as "cmd &" in a script) saw the server never stop. Give it SIGINT at its default, as
        // from a terminal, whatever the build was started from.
        Path defaultInt = CPeer.compile(tmp, "default_int", """
                #include <signal.h>
                #include <stdio.h>
                #include <unistd.h>
                int main(int argc, char **argv) {
                    signal(SIGINT, SIG_DFL);
                    execv(argv[1], argv + 1);
                    perror("execv");
                    return 127;
                }
                """);
        Process server = serveVia(List.of(defaultInt.toString()), dir, dir.toString(), "--", "sh", "-c", SCRIPT);
        try (Processes ps = new Processes()) {
            Processes.waitFor(ps.start("kill", "-INT", Long.toString(server.pid())), 10);
        }
        assertThat(exitOf(server)).as(stderr(server)).isZero();
        assertThat(Files.exists(dir.resolve("server.fifo"))).isFalse();
    }

    @Test
    void garbageIsLoggedAndServingGoesOn() throws Exception {
        Path dir = tmp.resolve("srv");
        Process server = serveScript(dir);
        try (Processes ps = new Processes()) {
            Processes.waitFor(ps.sh("printf 'junk' > '" + dir.resolve("server.fifo") + "'"), 10);
        }
        assertThat(CliProcess.run(60, "request", dir.toString(), "after").out()).isEqualTo("AFTER");
        server.destroy();
        assertThat(exitOf(server)).isZero();
        assertThat(stderr(server)).contains("fifokit: " + dir.resolve("server.fifo") + ": discarded 4 bytes at offset 0");
    }

    @Test
    void aCommandThatCannotRunGivesAnErrorReply() throws Exception {
        Path dir = tmp.resolve("srv");
        serve(dir, dir.toString(), "--", tmp.resolve("no-such-program").toString());
        CliProcess.Result r = CliProcess.run(60, "request", dir.toString(), "x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("cannot run");
    }

    @Test
    void theCommandMayFollowDirWithoutDoubleDash() throws Exception {
        Path dir = tmp.resolve("srv");
        serve(dir, "-q", dir.toString(), "sh", "-c", "tr a-z A-Z");
        assertThat(CliProcess.run(60, "request", dir.toString(), "plain").out()).isEqualTo("PLAIN");
    }

    @Test
    void aLargeReplyStreamsThrough() throws Exception {
        Path dir = tmp.resolve("srv");
        serve(dir, dir.toString(), "--", "sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' 'z'");
        CliProcess.Result r = CliProcess.run(60, "request", dir.toString(), "");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).hasSize(3_000_000).containsOnly((byte) 'z');
    }

    @Test
    void usageErrorsExit2() throws Exception {
        assertThat(CliProcess.run(60, "serve", tmp.toString()).exit()).isEqualTo(2);
        assertThat(CliProcess.run(60, "request").exit()).isEqualTo(2);
        assertThat(CliProcess.run(60, "serve", "--mode", "999", tmp.toString(), "--", "cat").exit()).isEqualTo(2);
        assertThat(CliProcess.run(60, "request", "-t", "soon", tmp.toString()).exit()).isEqualTo(2);
    }

    /** A private server directory holding a server.fifo made by someone else (a parent, a service manager). */
    private Path dirWithServerFifo() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("inherited"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        dev.fifokit.files.Fifo.create(dir.resolve("server.fifo"), 0600).keep().close();
        return dir;
    }

    @Test
    void servesAServerFifoItInheritedAndLeavesItInPlace() throws Exception {
        Path dir = dirWithServerFifo();
        Path fifo = dir.resolve("server.fifo");
        Process server = serveVia(List.of("sh", "-c", "exec 3<>\"$1\"; shift; exec \"$@\"", "sh", fifo.toString()),
                dir, "fd:3", "--", "sh", "-c", SCRIPT);
        CliProcess.Result r = CliProcess.run(60, "request", dir.toString(), "hello");
        assertThat(r.exit()).as(r.stderr() + stderr(server)).isZero();
        assertThat(r.out()).isEqualTo("HELLO");
        assertThat(CliProcess.run(60, "request", dir.toString(), "again").out()).isEqualTo("AGAIN");
        assertThat(Files.exists(dir.resolve("server.lock"))).isTrue();
        server.destroy(); // SIGTERM
        assertThat(exitOf(server)).as(stderr(server)).isZero();
        assertThat(Files.exists(fifo)).as("an inherited server.fifo belongs to whoever made it: not removed").isTrue();
        assertThat(Files.exists(dir.resolve("server.lock"))).isFalse();
    }

    @Test
    void servesAServerFifoPassedUnderAListenName() throws Exception {
        Path dir = dirWithServerFifo();
        Process server = serveVia(List.of("sh", "-c",
                        "exec 3<>\"$1\"; shift; LISTEN_FDS=1 LISTEN_FDNAMES=requests LISTEN_PID=$$ exec \"$@\"",
                        "sh", dir.resolve("server.fifo").toString()),
                dir, "listen:requests", "--", "sh", "-c", SCRIPT);
        CliProcess.Result r = CliProcess.run(60, "request", dir.toString(), "who");
        assertThat(r.exit()).as(r.stderr() + stderr(server)).isZero();
        assertThat(r.out()).startsWith("pid=").contains("uid=" + Integer.toUnsignedString(uid()));
        server.destroy();
        assertThat(exitOf(server)).as(stderr(server)).isZero();
    }

    @Test
    void anInheritedFifoThatIsNotAServerFifoIsRefused() throws Exception {
        Path dir = dirWithServerFifo();
        Path other = dir.resolve("other.fifo");
        dev.fifokit.files.Fifo.create(other, 0600).keep().close();
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec 3<>\"$1\"; shift; exec \"$@\"", "sh", other.toString()));
        cmd.addAll(CliProcess.command("serve", "fd:3", "--", "cat"));
        Process p = new ProcessBuilder(cmd).start();
        try {
            CliProcess.Result r = CliProcess.finish(p, new byte[0], 60);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.stderr()).contains("other.fifo").contains("must be named server.fifo");
        } finally {
            p.destroyForcibly();
        }
        assertThat(Files.exists(dir.resolve("server.lock"))).isFalse();

        // a plain pipe has no directory for the reply FIFOs
        CliProcess.Result pipe = CliProcess.run(new byte[0], 60, "serve", "fd:0", "--", "cat");
        assertThat(pipe.exit()).isEqualTo(1);
        assertThat(pipe.stderr()).contains("known path");
    }

    @Test
    void theCommandHoldsOnlyItsThreeStandardDescriptors() throws Exception {
        Path dir = tmp.resolve("srv");
        serve(dir, dir.toString(), "--", "sh", "-c", "ls /proc/$$/fd | tr '\\n' ' '");
        CliProcess.Result r = CliProcess.run(60, "request", dir.toString(), "x");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).as("nothing of the server leaks into the command").isEqualTo("0 1 2 ");
    }

    /**
     * Waits until every client holds its reply FIFO open and no longer holds server.fifo: a
     * client closes server.fifo only after writing its request into it.
     */
    private static void awaitRequestsWritten(Path dir, List<Process> clients) throws Exception {
        Path real = dir.toRealPath(); // the kernel's links name the real path
        String serverFifo = real.resolve("server.fifo").toString();
        String replyPrefix = real.resolve("client.").toString();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Process c : clients) {
            while (true) {
                List<String> open = Processes.descriptorTargets(c.pid());
                if (open.stream().anyMatch(t -> t.startsWith(replyPrefix)) && !open.contains(serverFifo)) {
                    break;
                }
                assertThat(c.isAlive()).as("client " + c.pid() + " still running").isTrue();
                if (System.nanoTime() > end) {
                    throw new AssertionError("client " + c.pid() + " did not write its request; it holds " + open);
                }
                Thread.sleep(20);
            }
        }
    }

    private static void awaitGone(Path p) throws Exception {
        Await.until(Duration.ofSeconds(60), p + " removed", () -> !Files.exists(p));
    }

    private static void awaitClientFifos(Path dir, int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (var files = Files.list(dir)) {
                if (files.filter(p -> p.getFileName().toString().startsWith("client.")).count() >= n) {
                    return;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("clients did not start");
            }
            Thread.sleep(20);
        }
    }
}
