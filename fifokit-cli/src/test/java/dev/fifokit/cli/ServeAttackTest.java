package dev.fifokit.cli;

import dev.fifokit.testing.Await;
import dev.fifokit.testing.CPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile clients against {@code fifokit serve}, each a real process: flooders, a lone header,
 * clients that never read, garbage, forgers and other users. After each attack the server
 * still answers everyone else, and a SIGTERM still ends it within its grace period.
 */
@Timeout(180)
class ServeAttackTest {
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();
    private final List<ByteArrayOutputStream> errs = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    static final List<String> SCRIPT = List.of("sh", "-c",
            "read -r x; case \"$x\" in who) echo \"uid=$FIFOKIT_CLIENT_UID\" ;; size) wc -c ;;"
                    + " hang) sleep 60 ;; *) printf '%s' \"$x\" | tr a-z A-Z ;; esac");

    Process serve(Path dir, String... args) throws Exception {
        return serveCommand(dir, SCRIPT, args);
    }

    Process serveCommand(Path dir, List<String> command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("serve"));
        all.addAll(List.of(args));
        all.add(dir.toString());
        all.add("--");
        all.addAll(command);
        Process p = new ProcessBuilder(CliProcess.command(all.toArray(String[]::new))).start();
        started.add(p);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        errs.add(err);
        Thread.ofPlatform().daemon().start(() -> copy(p.getErrorStream(), err));
        Await.until(Duration.ofSeconds(60), "server.fifo in place", () -> {
            if (!p.isAlive()) {
                throw new AssertionError("serve exited " + p.exitValue() + ": " + text(err));
            }
            return Files.exists(dir.resolve("server.fifo"));
        });
        return p;
    }

    Process start(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    Process sh(String script) throws IOException {
        return start(List.of("sh", "-c", script));
    }

    Process python(String resource, String... args) throws IOException {
        Path script = tmp.resolve(resource);
        if (!Files.exists(script)) {
            try (InputStream in = ServeAttackTest.class.getResourceAsStream("/attack/" + resource)) {
                Files.copy(in, script);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(List.of(args));
        return start(cmd);
    }

    static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(UTF_8);
        }
    }

    static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] b = new byte[8192];
        try (in) {
            for (int n; (n = in.read(b)) > 0; ) {
                synchronized (to) {
                    to.write(b, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    static Path examplesPython() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/python"))) {
                return p.resolve("examples/python");
            }
        }
        throw new AssertionError("no examples/python above the working directory");
    }

    /** SIGTERM, then the exit status, which must come within {@code seconds}. */
    static int stopWithin(Process server, long seconds) throws InterruptedException {
        long t0 = System.nanoTime();
        server.destroy(); // SIGTERM
        assertThat(server.waitFor(seconds, TimeUnit.SECONDS))
                .as("serve exits within %ds of SIGTERM", seconds).isTrue();
        System.out.printf("serve stopped %d ms after SIGTERM%n", (System.nanoTime() - t0) / 1_000_000);
        return server.exitValue();
    }

    static String request(Path dir, String data, String timeout) throws Exception {
        CliProcess.Result r = CliProcess.run(90, "request", "-t", timeout, dir.toString(), data);
        assertThat(r.exit()).as("request %s: %s", data, r.stderr()).isZero();
        return r.out();
    }

    @Test
    void sigtermEndsTheServerWithinItsGraceWhileTwoWritersFloodServerFifo() throws Exception {
        Path dir = tmp.resolve("srv");
        Process server = serve(dir, "-q", "--grace", "2s");
        String fifo = dir.resolve("server.fifo").toString();
        sh("tr '\\0' '\\377' < /dev/zero > '" + fifo + "'");
        sh("tr '\\0' '\\377' < /dev/zero > '" + fifo + "'");
        Thread.sleep(500); // the pipe is full and both writers are blocked in write(2)
        assertThat(stopWithin(server, 6)).isZero();
        assertThat(dir.resolve("server.fifo")).doesNotExist();
        assertThat(dir.resolve("server.lock")).doesNotExist();
    }

    @Test
    void aLoneHeaderInThePipeCannotSwallowTheStop() throws Exception {
        Path dir = tmp.resolve("srv");
        Process server = serve(dir, "--grace", "2s");
        Process lone = python("lone_header.py", dir.toString());
        assertThat(lone.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(request(dir, "still", "10s")).isEqualTo("STILL");
        assertThat(stopWithin(server, 6)).isZero();
        assertThat(dir.resolve("server.fifo")).doesNotExist();
    }

    @Test
    void asManyNonReadersAsSlotsDoNotStallANormalRequest() throws Exception {
        Path dir = tmp.resolve("srv");
        Process server = serve(dir, "-q", "-j", "2");
        List<Process> stuck = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Process p = python("nonreader.py", dir.toString());
            stuck.add(p);
        }
        for (Process p : stuck) {
            byte[] line = p.getInputStream().readNBytes(5);
            assertThat(new String(line, UTF_8)).as("non-reader sent its request").isEqualTo("sent\n");
        }
        assertThat(request(dir, "normal", "5s")).isEqualTo("NORMAL");
        assertThat(stopWithin(server, 8)).isZero();
    }

    @Test
    void fiftyNonReadersWithShrunkPipesDoNotStallANormalRequest() throws Exception {
        // half fill their shrunk pipe first (dropped at once), half leave it empty and ask for a
        // reply 25 times its size (the server waits the stall limit for them); two handler slots
        Path dir = tmp.resolve("srv");
        Process server = serveCommand(dir, List.of("sh", "-c", "read -r x; case \"$x\" in big) head -c 100000 /dev/zero ;;"
                + " *) printf '%s' \"$x\" | tr a-z A-Z ;; esac"), "-j", "2");
        List<Process> stuck = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            stuck.add(i % 2 == 0 ? python("nonreader.py", dir.toString(), "pid", "fill")
                    : python("nonreader.py", dir.toString(), "pid", "nofill", "big"));
        }
        for (Process p : stuck) {
            assertThat(new String(p.getInputStream().readNBytes(5), UTF_8)).as("non-reader sent its request")
                    .isEqualTo("sent\n");
        }
        assertThat(request(dir, "normal", "5s")).isEqualTo("NORMAL");
        Await.until(Duration.ofSeconds(30), "both kinds of non-reader dropped", () -> text(errs.getFirst())
                .contains("already holds") && text(errs.getFirst()).contains("did not read its reply"));
        assertThat(stopWithin(server, 8)).isZero();
    }

    @Test
    void garbageAndARequestInOneWriteStillGetsTheRequestAnswered() throws Exception {
        Path dir = tmp.resolve("srv");
        serve(dir, "-q");
        Process p = python("garbage_then_request.py", examplesPython().toString(), dir.toString(), "20000");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("AFTER GARBAGE");
    }

    @Test
    void aGarbageStreamerDoesNotCostConcurrentRequests() throws Exception {
        Path dir = tmp.resolve("srv");
        Process server = serve(dir, "--grace", "2s");
        sh("cat /dev/urandom > '" + dir.resolve("server.fifo") + "'");
        Thread.sleep(300);
        List<Process> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(start(List.of(PYTHON, examplesPython().resolve("fifokit_request.py").toString(), "-t", "20",
                    dir.toString(), "client" + i)));
        }
        for (int i = 0; i < 4; i++) {
            Process c = clients.get(i);
            assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(c.getInputStream().readAllBytes(), UTF_8);
            assertThat(c.exitValue()).as(out).isZero();
            assertThat(out).isEqualTo("CLIENT" + i);
        }
        assertThat(stopWithin(server, 6)).isZero();
        long lines = text(errs.getFirst()).lines().filter(l -> l.contains("discarded")).count();
        System.out.println("log lines about garbage: " + lines);
        assertThat(lines).as("garbage log lines are rate-limited").isLessThan(40);
    }

    @Test
    void aMebibyteOfZerosGivesAHandfulOfLogLines() throws Exception {
        Path dir = tmp.resolve("srv");
        Process server = serve(dir);
        Process z = sh("head -c 1048576 /dev/zero > '" + dir.resolve("server.fifo") + "'");
        assertThat(z.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(request(dir, "after", "20s")).isEqualTo("AFTER");
        assertThat(stopWithin(server, 10)).isZero();
        List<String> lines = text(errs.getFirst()).lines().filter(l -> l.contains("discarded")).toList();
        System.out.println(String.join("\n", lines));
        assertThat(lines).as("log lines for 1 MiB of zeros").isNotEmpty().hasSizeLessThanOrEqualTo(6);
    }

    @Test
    void largeRequestsTravelWhole() throws Exception {
        Path dir = tmp.resolve("srv");
        serve(dir, "-q");
        byte[] big = ("size\n" + "x".repeat(200_000)).getBytes(UTF_8);
        CliProcess.Result r = CliProcess.run(big, 60, "request", dir.toString());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out().strip()).isEqualTo(Integer.toString(big.length - 5));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("server.fifo", "server.lock");
        }
    }

    // ---- another user: shared mode ----

    static boolean root() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    static boolean hasSetpriv() {
        return Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv"));
    }

    /** A world-traversable place for a shared server and the C reference client, built for other users. */
    Path sharedBase() throws Exception {
        assumeTrue(root() && hasSetpriv(), "needs root and setpriv to act as other users; skipped");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        return tmp;
    }

    Path cClient() throws Exception {
        Path src = examplesPython().getParent().resolve("c/fifokit-request.c");
        Path exe = CPeer.compile(tmp, "fifokit-request", Files.readString(src));
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        return exe;
    }

    CliProcess.Result asUser(long uid, List<String> cmd) throws Exception {
        List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=65534", "--clear-groups"));
        all.addAll(cmd);
        Process p = start(all);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new CliProcess.Result(p.exitValue(), p.getInputStream().readAllBytes(), "");
    }

    @Test
    void inSharedModeEachUserIsWhoOwnsTheirFifoAndUidsPrintUnsigned() throws Exception {
        Path dir = sharedBase().resolve("srv");
        Path client = cClient();
        serve(dir, "--shared");
        assertThat(Files.getAttribute(dir, "unix:mode")).isEqualTo(0041733);
        for (long uid : new long[] {65534, 3_000_000_000L}) {
            CliProcess.Result r = asUser(uid, List.of(client.toString(), dir.toString(), "who"));
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).isEqualTo("uid=" + uid + "\n");
        }
        CliProcess.Result big = asUser(65534, List.of("sh", "-c",
                "head -c 100000 /dev/zero | (printf 'size\\n'; cat) | " + client + " " + dir));
        assertThat(big.out().strip()).isEqualTo("100000");
    }

    @Test
    void inSharedModeAForgedPidRequestNeitherRunsAsItsVictimNorTouchesItsFifo() throws Exception {
        Path dir = sharedBase().resolve("srv");
        Process server = serve(dir, "--shared");
        // the victim (uid 65534) waits on a pid-named FIFO; the forger sends a request naming that pid
        long victimPid = 4_000_001;
        Path victimFifo = dir.resolve("client." + victimPid + ".fifo");
        Process victim = start(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PYTHON, "-c",
                "import os,select,sys,time\n"
                        + "p=sys.argv[1]; os.mkfifo(p,0o622); os.chmod(p,0o622)\n"
                        + "r=os.open(p,os.O_RDONLY|os.O_NONBLOCK); print('ready',flush=True)\n"
                        + "end=time.time()+4; got=b''\n"
                        + "while time.time()<end:\n"
                        + "  if select.select([r],[],[],0.2)[0]:\n"
                        + "    try: got+=os.read(r,4096)\n"
                        + "    except BlockingIOError: pass\n"
                        + "print('got',len(got),'exists',os.path.exists(p),flush=True)\n"
                        + "os.unlink(p)\n",
                victimFifo.toString()));
        assertThat(new String(victim.getInputStream().readNBytes(6), UTF_8)).isEqualTo("ready\n");
        ByteBuffer forged = ByteBuffer.allocate(16 + 4).order(ByteOrder.nativeOrder());
        forged.putLong(4).putLong(victimPid).put("who\n".getBytes(UTF_8));
        Process forger = start(List.of("setpriv", "--reuid=65533", "--regid=65533", "--clear-groups", PYTHON, "-c",
                "import os,sys\ns=os.open(sys.argv[1],os.O_WRONLY)\nos.write(s,bytes.fromhex(sys.argv[2]))\n",
                dir.resolve("server.fifo").toString(), java.util.HexFormat.of().formatHex(forged.array())));
        assertThat(forger.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String seen = new String(victim.getInputStream().readAllBytes(), UTF_8);
        assertThat(seen).as("nothing written into the victim's FIFO, and it was not removed").isEqualTo("got 0 exists True\n");
        assertThat(stopWithin(server, 10)).isZero();
        assertThat(text(errs.getFirst())).contains("accepts only token-form requests");
    }

    /** VmRSS of {@code pid} in KiB, and its CPU time (user + system) in clock ticks. */
    static long[] usage(long pid) throws IOException {
        long rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                .orElse(-1);
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {rss, Long.parseLong(f[11]) + Long.parseLong(f[12])};
    }

    @Test
    @Timeout(600) // no speed is asserted: on a loaded machine 1000 command runs take long
    void aThousandGoodRequestsUnderGarbageNonReadersAndAForger() throws Exception {
        Path dir = tmp.resolve("srv");
        Process server = serveCommand(dir, List.of("cat"), "-q", "--shared", "--grace", "2s", "-j", "32",
                "--deadline", "300s"); // a request may wait long for one of the 32 slots on a loaded machine
        Path fifo = dir.resolve("server.fifo");
        // random garbage as fast as /dev/urandom gives it (a `tr` flood of constant bytes is
        // faster than the server can scan on a loaded machine: see the protocol notes)
        sh("cat /dev/urandom > '" + fifo + "'");
        List<Process> nonReaders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            nonReaders.add(python("nonreader.py", dir.toString(), "token"));
        }
        for (Process p : nonReaders) {
            assertThat(new String(p.getInputStream().readNBytes(5), UTF_8)).isEqualTo("sent\n");
        }
        Process forger = python("forger.py", dir.toString());
        assertThat(new String(forger.getInputStream().readNBytes(8), UTF_8)).isEqualTo("forging\n");
        long t0 = System.nanoTime();
        List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String body = "request " + i + "\n";
                all.add(pool.submit(() -> {
                    byte[] r = dev.fifokit.server.FifoClient.of(dir).id(dev.fifokit.server.FifoClient.uniqueId())
                            .timeout(Duration.ofSeconds(400)).request(body.getBytes(UTF_8));
                    if (!new String(r, UTF_8).equals(body)) {
                        wrong.add(body + " got " + new String(r, UTF_8));
                    }
                    return null;
                }));
            }
            for (var f : all) {
                f.get(450, TimeUnit.SECONDS);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] use = usage(server.pid());
        System.out.printf("1000 requests under attack in %.1f s (%.0f req/s); server RSS %d KiB, CPU %.1f s%n",
                seconds, 1000 / seconds, use[0], use[1] / 100.0);
        assertThat(wrong).as("every request got its own reply").isEmpty();
        assertThat(use[0]).as("server RSS in KiB").isLessThan(512 * 1024);
        assertThat(stopWithin(server, 6)).isZero();
        assertThat(fifo).doesNotExist();
        assertThat(dir.resolve("server.lock")).doesNotExist();
    }
}
