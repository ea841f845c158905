package dev.fifokit.server;

import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The C and Python reference clients under examples/ against the Java server. */
@Timeout(120)
class ReferenceClientTest {
    @TempDir
    static Path build;
    static Path cClient;

    @TempDir
    Path tmp;

    @BeforeAll
    static void compile() throws Exception {
        cClient = Examples.cClient(build);
    }

    record Run(int exit, String out, String err) {}

    static List<String> command(String kind, String... args) {
        List<String> cmd = new ArrayList<>();
        if (kind.equals("c")) {
            cmd.add(cClient.toString());
        } else {
            cmd.add("python3");
            cmd.add(Examples.pythonClient().toString());
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Run run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        try (Processes ps = new Processes()) {
            Process p = ps.start(new ProcessBuilder(cmd));
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            int exit = Processes.waitFor(p, 60);
            return new Run(exit, new String(out, UTF_8), new String(err, UTF_8));
        }
    }

    static void assumeKind(String kind) {
        if (kind.equals("python")) {
            assumeTrue(Examples.hasPython(), "python3 not installed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "python"})
    void aReferenceClientGetsItsReply(String kind) throws Exception {
        assumeKind(kind);
        Path dir = tmp.resolve("srv");
        try (FifoServer _ = FifoServer.bind(dir, RequestReplyTest.UPPER, Logs.quiet())) {
            Run r = run(command(kind, dir.toString(), "hello from " + kind), "");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("HELLO FROM " + kind.toUpperCase());
            Run s = run(command(kind, dir.toString()), "via stdin");
            assertThat(s.out()).isEqualTo("VIA STDIN");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("server.fifo and server.lock removed").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "python"})
    void anErrorReplyExits1WithItsText(String kind) throws Exception {
        assumeKind(kind);
        Path dir = tmp.resolve("srv");
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> {
            reply.send("partial ");
            throw new RequestRejectedException("bad request: " + req.text());
        }, Logs.quiet())) {
            Run r = run(command(kind, dir.toString(), "x"), "");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("bad request: x");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "python"})
    void noServerExits3(String kind) throws Exception {
        assumeKind(kind);
        Path dir = Files.createDirectory(tmp.resolve("none"));
        assertThat(run(command(kind, dir.toString(), "x"), "").exit()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "python"})
    void aSilentServerExits124(String kind) throws Exception {
        assumeKind(kind);
        Path dir = tmp.resolve("srv");
        CountDownLatch never = new CountDownLatch(1);
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> never.await(),
                Logs.quiet().requestDeadline(Duration.ofSeconds(3)))) {
            Run r = run(command(kind, "-t", "1", dir.toString(), "x"), "");
            assertThat(r.exit()).isEqualTo(124);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("server.fifo and server.lock removed").isEmpty();
        }
    }

    @Test
    void aLongReplyArrivesWhole() throws Exception {
        Path dir = tmp.resolve("srv");
        String big = "0123456789".repeat(20_000);
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> reply.send(big), Logs.quiet())) {
            Run r = run(command("c", dir.toString(), "x"), "");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).isEqualTo(big);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "python"})
    void aLargeRequestTravelsThroughItsOwnFifo(String kind) throws Exception {
        assumeKind(kind);
        Path dir = tmp.resolve("srv");
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> reply.send(req.payload().length + ":" + req.text().hashCode()),
                Logs.quiet())) {
            String big = "abcdefghij".repeat(30_000);
            Run r = run(command(kind, dir.toString()), big);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(big.length() + ":" + big.hashCode());
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("no FIFO left behind").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "python"})
    void aSharedServerIsReachedThroughTheTokenForm(String kind) throws Exception {
        assumeKind(kind);
        Path dir = tmp.resolve("srv");
        List<String> uids = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> {
            uids.add(Integer.toUnsignedString(req.client().uid()));
            reply.send(req.text().toUpperCase());
        }, Logs.quiet().shared(true))) {
            assertThat(Files.getAttribute(dir, "unix:mode")).isEqualTo(0041733);
            Run r = run(command(kind, dir.toString(), "shared " + kind), "");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("SHARED " + kind.toUpperCase());
            Run big = run(command(kind, dir.toString()), "y".repeat(50_000));
            assertThat(big.out()).isEqualTo("Y".repeat(50_000));
            if (isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                Files.setPosixFilePermissions(build, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
                List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
                List<String> client = command(kind, dir.toString(), "other user");
                if (kind.equals("python")) {
                    client.set(0, Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3");
                    // the checkout may sit where the other user cannot look (a private temporary
                    // directory): run a copy of the client from the build directory it may enter
                    Path copy = Files.copy(Examples.pythonClient(), build.resolve("fifokit_request.py"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                    client.set(1, copy.toString());
                }
                cmd.addAll(client);
                Run other = run(cmd, "");
                assertThat(other.exit()).as(other.err()).isZero();
                assertThat(other.out()).isEqualTo("OTHER USER");
                assertThat(uids).contains("65534");
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("no FIFO left behind").isEmpty();
        }
    }

    static boolean isRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }
}
