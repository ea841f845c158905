package dev.fifokit.server;

import dev.fifokit.testing.Await;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many clients at once: every request answered with its own reply, none lost or crossed.
 * Correctness under load only; speed is the benchmark's business ({@link ServerBenchmark}).
 */
@Timeout(300)
class LoadTest {
    @TempDir
    Path tmp;

    /** The reply names the request and the client id the server saw, so a crossed reply shows. */
    static final RequestHandler TAGGED = (req, reply) ->
            reply.send("reply to " + req.text() + " for " + req.client().pid());

    @Test
    void aThousandConcurrentInProcessClients() throws Exception {
        Path dir = tmp.resolve("srv");
        int clients = 1000;
        FifoServer server = FifoServer.bind(dir, TAGGED, Logs.quiet().maxInFlight(256));
        try (server; ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> replies = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                long id = FifoClient.uniqueId();
                ids.add(id);
                String body = "request-" + i;
                replies.add(pool.submit(() -> {
                    go.await();
                    byte[] r = FifoClient.of(dir).id(id).timeout(Duration.ofSeconds(120)).request(body.getBytes(UTF_8));
                    return new String(r, UTF_8);
                }));
            }
            go.countDown();
            for (int i = 0; i < clients; i++) {
                assertThat(replies.get(i).get()).isEqualTo("reply to request-" + i + " for " + ids.get(i));
            }
        }
        assertThat(server.stats().answered()).isEqualTo(clients);
        assertThat(server.stats().dropped()).isZero();
        assertThat(server.stats().garbageBytes()).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("server.fifo and server.lock removed").isEmpty();
        }
    }

    @Test
    void fiftyClientProcessesAtOnce() throws Exception {
        Path exe = Examples.cClient(tmp);
        Path dir = tmp.resolve("srv");
        int clients = 60;
        FifoServer server = FifoServer.bind(dir, TAGGED, Logs.quiet());
        try (server; Processes ps = new Processes()) {
            List<Process> started = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                started.add(ps.start(exe.toString(), "-t", "60", dir.toString(), "process-" + i));
            }
            for (int i = 0; i < clients; i++) {
                Process p = started.get(i);
                String out = new String(p.getInputStream().readAllBytes(), UTF_8);
                String err = new String(p.getErrorStream().readAllBytes(), UTF_8);
                assertThat(Processes.waitFor(p, 60)).as(err).isZero();
                assertThat(out).isEqualTo("reply to process-" + i + " for " + p.pid());
            }
        }
        assertThat(server.stats().answered()).isEqualTo(clients);
        assertThat(server.stats().dropped()).isZero();
    }

    @Test
    void inProcessAndProcessClientsTogether() throws Exception {
        Path exe = Examples.cClient(tmp);
        Path dir = tmp.resolve("srv");
        FifoServer server = FifoServer.bind(dir, TAGGED, Logs.quiet().maxInFlight(64));
        try (server; Processes ps = new Processes(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Process> procs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                procs.add(ps.start(exe.toString(), "-t", "60", dir.toString(), "p" + i));
            }
            List<Future<String>> replies = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                long id = FifoClient.uniqueId();
                ids.add(id);
                String body = "t" + i;
                replies.add(pool.submit(() -> new String(FifoClient.of(dir).id(id).timeout(Duration.ofSeconds(120))
                        .request(body.getBytes(UTF_8)), UTF_8)));
            }
            for (int i = 0; i < 500; i++) {
                assertThat(replies.get(i).get()).isEqualTo("reply to t" + i + " for " + ids.get(i));
            }
            for (int i = 0; i < 50; i++) {
                Process p = procs.get(i);
                assertThat(new String(p.getInputStream().readAllBytes(), UTF_8)).isEqualTo("reply to p" + i + " for " + p.pid());
                assertThat(Processes.waitFor(p, 60)).isZero();
            }
        }
        assertThat(server.stats().answered()).isEqualTo(550);
    }

    /**
     * What the benchmark does, checked: clients that each send request after request with the
     * same id (so the same reply FIFO name is created and removed again and again) all get
     * their own replies, and afterwards no descriptor and no FIFO is left.
     */
    @Test
    void clientsSendingRequestAfterRequestGetTheirOwnRepliesAndLeaveNothing() throws Exception {
        Path dir = tmp.resolve("srv");
        int clients = 200;
        int each = 15;
        FifoServer server = FifoServer.bind(dir, TAGGED, Logs.quiet().maxInFlight(64));
        // lazily created descriptors (poller, timers) exist before counting
        FifoClient.of(dir).id(FifoClient.uniqueId()).timeout(Duration.ofSeconds(60)).request("warm-up".getBytes(UTF_8));
        awaitNothingInFlight(server); // the warm-up's reply end may still be open
        Thread.sleep(300); // the reading thread is back in its blocking read (its wake-up descriptor made)
        var before = Processes.descriptorKinds();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> wrong = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long id = FifoClient.uniqueId();
                int client = c;
                wrong.add(pool.submit(() -> {
                    List<String> bad = new ArrayList<>();
                    FifoClient fc = FifoClient.of(dir).id(id).timeout(Duration.ofSeconds(120));
                    for (int r = 0; r < each; r++) {
                        String body = "c" + client + "-r" + r;
                        String got = new String(fc.request(body.getBytes(UTF_8)), UTF_8);
                        if (!got.equals("reply to " + body + " for " + id)) {
                            bad.add(body + " -> " + got);
                        }
                    }
                    return bad;
                }));
            }
            for (Future<List<String>> f : wrong) {
                assertThat(f.get()).isEmpty();
            }
        }
        awaitNothingInFlight(server);
        assertThat(Processes.descriptorKinds()).isEqualTo(before);
        server.close();
        assertThat(server.stats().answered()).isEqualTo(clients * each + 1L);
        assertThat(server.stats().dropped()).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("server.fifo and server.lock removed").isEmpty();
        }
    }

    /** A supervisor closes its reply end just after the client has the end marker: wait for that. */
    private static void awaitNothingInFlight(FifoServer server) throws InterruptedException {
        Await.until(Duration.ofSeconds(30), "no request in flight", () -> server.admitted() == 0);
    }
}
