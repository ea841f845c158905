package dev.fifokit.server;

import dev.fifokit.FifoException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.SymlinkException;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Binding a directory, one server per directory, and graceful shutdown. */
@Timeout(120)
class LifecycleTest {
    @TempDir
    Path tmp;

    static final RequestHandler ECHO = (req, reply) -> reply.send(req.payload());

    @Test
    void aSecondServerOnTheSameDirectoryIsRefused() throws Exception {
        Path dir = tmp.resolve("srv");
        try (FifoServer _ = FifoServer.bind(dir, ECHO, Logs.quiet())) {
            assertThatThrownBy(() -> FifoServer.bind(dir, ECHO, Logs.quiet()))
                    .isInstanceOf(ServerBusyException.class)
                    .hasMessageContaining("another server is already running in this directory")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            // the refused one touched nothing: the first still serves
            assertThat(FifoClient.request(dir, "still".getBytes(UTF_8), Duration.ofSeconds(5))).asString(UTF_8)
                    .isEqualTo("still");
        }
        try (FifoServer again = FifoServer.bind(dir, ECHO, Logs.quiet())) {
            assertThat(again.isRunning()).isTrue();
        }
    }

    @Test
    void aStaleServerFifoIsReplaced() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("srv"));
        Fifo.create(dir.resolve("server.fifo"), 0600).keep().close();
        List<String> log = Logs.list();
        try (FifoServer _ = FifoServer.bind(dir, ECHO, Logs.into(log))) {
            assertThat(FifoClient.request(dir, "x".getBytes(UTF_8), Duration.ofSeconds(5))).hasSize(1);
        }
        assertThat(log).anyMatch(l -> l.contains("stale"));
    }

    @Test
    void aServerFifoThatIsNotAFifoIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("srv"));
        Files.writeString(dir.resolve("server.fifo"), "data");
        assertThatThrownBy(() -> FifoServer.bind(dir, ECHO, Logs.quiet()))
                .isInstanceOf(NotAFifoException.class)
                .hasMessageContaining("exists and is not a FIFO");
        assertThat(Files.readString(dir.resolve("server.fifo"))).isEqualTo("data");
        // the lock was released on the way out
        Files.delete(dir.resolve("server.fifo"));
        FifoServer.bind(dir, ECHO, Logs.quiet()).close();
    }

    @Test
    void theDirectoryMustBeARealDirectoryOfOurs() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> FifoServer.bind(file, ECHO, Logs.quiet()))
                .isInstanceOf(FifoException.class).hasMessageContaining("not a directory");
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThatThrownBy(() -> FifoServer.bind(link, ECHO, Logs.quiet()))
                .isInstanceOf(SymlinkException.class);
    }

    @Test
    void aDirectoryOwnedBySomeoneElseIsRefused() throws Exception {
        assumeTrue(dev.fifokit.internal.linux.Fifos.geteuid() == 0, "needs root to give a directory away");
        Path dir = Files.createDirectory(tmp.resolve("theirs"));
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir, nobody);
        assertThatThrownBy(() -> FifoServer.bind(dir, ECHO, Logs.quiet()))
                .isInstanceOf(FifoException.class).hasMessageContaining("is owned by uid");
    }

    @Test
    void closeFinishesInFlightRequestsAndRemovesServerFifo() throws Exception {
        Path dir = tmp.resolve("srv");
        CountDownLatch started = new CountDownLatch(20);
        FifoServer server = FifoServer.bind(dir, (req, reply) -> {
            started.countDown();
            Thread.sleep(300);
            reply.send("done:" + req.text());
        }, Logs.quiet());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String body = "r" + i;
                replies.add(pool.submit(() -> FifoClient.of(dir).id(FifoClient.uniqueId())
                        .timeout(Duration.ofSeconds(30)).request(body.getBytes(UTF_8))));
            }
            started.await();
            assertThat(server.inFlight()).isEqualTo(20);
            server.close();
            assertThat(server.isRunning()).isFalse();
            assertThat(Files.exists(dir.resolve("server.fifo"))).isFalse();
            for (int i = 0; i < 20; i++) {
                assertThat(new String(replies.get(i).get(), UTF_8)).isEqualTo("done:r" + i);
            }
        }
        assertThat(server.stats().answered()).isEqualTo(20);
        assertThatThrownBy(() -> FifoClient.request(dir, new byte[1], Duration.ofSeconds(5)))
                .isInstanceOf(NoServerException.class);
    }

    @Test
    void requestsWaitingInThePipeAtShutdownAreStillAnswered() throws Exception {
        Path dir = tmp.resolve("srv");
        CountDownLatch first = new CountDownLatch(1);
        FifoServer server = FifoServer.bind(dir, (req, reply) -> {
            first.countDown();
            Thread.sleep(50);
            reply.send(req.payload());
        }, Logs.quiet().maxInFlight(1));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String body = "q" + i;
                replies.add(pool.submit(() -> FifoClient.of(dir).id(FifoClient.uniqueId())
                        .timeout(Duration.ofSeconds(30)).request(body.getBytes(UTF_8))));
            }
            first.await();
            // let every client get its request into the pipe before the stop marker
            RawClient.await(Duration.ofSeconds(10), "requests queued", () -> {
                try (var files = Files.list(dir)) {
                    return files.filter(p -> p.getFileName().toString().startsWith("client.")).count() == 10;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Thread.sleep(100);
            server.close();
            for (int i = 0; i < 10; i++) {
                assertThat(new String(replies.get(i).get(), UTF_8)).isEqualTo("q" + i);
            }
        }
    }

    @Test
    void shutdownFromAnotherThreadReleasesAwaitTermination() throws Exception {
        Path dir = tmp.resolve("srv");
        FifoServer server = FifoServer.bind(dir, ECHO, Logs.quiet());
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                // stop anyway
            }
            server.shutdown();
        });
        assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(server.failure()).isNull();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("server.lock");
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        FifoServer server = FifoServer.bind(tmp.resolve("srv"), ECHO, Logs.quiet());
        server.close();
        server.close();
        server.shutdown();
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void noDescriptorIsLeftBehind() throws Exception {
        Path dir = tmp.resolve("srv");
        FifoServer.bind(dir, ECHO, Logs.quiet()).close(); // warm up lazily opened descriptors
        FifoClient.class.getName();
        int before = dev.fifokit.testing.Processes.openDescriptors();
        try (FifoServer _ = FifoServer.bind(dir, ECHO, Logs.quiet())) {
            for (int i = 0; i < 50; i++) {
                FifoClient.request(dir, ("n" + i).getBytes(UTF_8), Duration.ofSeconds(5));
            }
            assertThatThrownBy(() -> FifoClient.request(tmp, new byte[1], Duration.ofSeconds(5)))
                    .isInstanceOf(NoServerException.class);
        }
        assertThat(dev.fifokit.testing.Processes.openDescriptors()).isLessThanOrEqualTo(before);
    }
}
