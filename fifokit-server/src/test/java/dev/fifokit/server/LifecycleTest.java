package dev.fifokit.server;

import dev.fifokit.FifoException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.SymlinkException;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Await;
import dev.fifokit.testing.Processes;
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
import java.util.concurrent.TimeUnit;

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
    void anInheritedServerFifoIsServedAndLeftInPlace() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("srv"));
        Path fifo = dir.resolve("server.fifo");
        Fifo.create(fifo, 0600).keep().close();
        int fd = dev.fifokit.testing.RawFds.open(fifo, dev.fifokit.testing.RawFds.O_RDWR); // a parent's exec 3<>server.fifo
        assertThat(fd).isPositive();
        dev.fifokit.ends.FifoReader inherited = dev.fifokit.ends.Inherited.reader(fd);
        try (FifoServer server = FifoServer.adopt(inherited, ECHO, Logs.quiet())) {
            assertThat(server.serverFifo()).isEqualTo(fifo);
            for (int i = 0; i < 3; i++) { // clients come and go: never an end of stream
                assertThat(FifoClient.request(dir, ("n" + i).getBytes(UTF_8), Duration.ofSeconds(5))).asString(UTF_8)
                        .isEqualTo("n" + i);
            }
            assertThatThrownBy(() -> FifoServer.bind(dir, ECHO, Logs.quiet())).isInstanceOf(ServerBusyException.class);
        }
        assertThat(Files.exists(fifo)).as("not ours to remove").isTrue();
        assertThat(Files.exists(dir.resolve("server.lock"))).isFalse();
        assertThat(inherited.isOpen()).as("the server closed the descriptor it owned").isFalse();
    }

    @Test
    void anInheritedFifoThatIsNotTheDirectorysServerFifoIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("srv"));
        Path other = dir.resolve("other.fifo");
        Fifo.create(other, 0600).keep().close();
        dev.fifokit.ends.FifoReader wrongName = dev.fifokit.ends.Inherited.reader(
                dev.fifokit.testing.RawFds.open(other, dev.fifokit.testing.RawFds.O_RDWR));
        try (wrongName) {
            assertThatThrownBy(() -> FifoServer.adopt(wrongName, ECHO, Logs.quiet()))
                    .isInstanceOf(FifoException.class).hasMessageContaining("must be named server.fifo");
        }
        // renamed into place after it was opened: still the same FIFO, so it is served
        Path fifo = dir.resolve("server.fifo");
        Fifo.create(fifo, 0600).keep().close();
        dev.fifokit.ends.FifoReader replaced = dev.fifokit.ends.Inherited.reader(
                dev.fifokit.testing.RawFds.open(fifo, dev.fifokit.testing.RawFds.O_RDWR));
        try (replaced) {
            // someone swaps another FIFO in under the name: the inherited one is no longer server.fifo
            Files.delete(fifo);
            Fifo.create(fifo, 0600).keep().close();
            assertThatThrownBy(() -> FifoServer.adopt(replaced, ECHO, Logs.quiet()))
                    .isInstanceOf(FifoException.class).hasMessageContaining("no longer names");
        }
        assertThat(Files.exists(dir.resolve("server.lock"))).as("a refused adoption releases the lock").isFalse();
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
        assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "needs root to give a directory away");
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
        CountDownLatch release = new CountDownLatch(1);
        FifoServer server = FifoServer.bind(dir, (req, reply) -> {
            started.countDown();
            // in flight until close() has begun (a fixed sleep could end before the last one started)
            if (!release.await(25, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            Thread.sleep(100);
            reply.send("done:" + req.text());
        }, Logs.quiet());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String body = "r" + i;
                replies.add(pool.submit(() -> FifoClient.of(dir).id(FifoClient.uniqueId())
                        .timeout(Duration.ofSeconds(30)).request(body.getBytes(UTF_8))));
            }
            assertThat(started.await(30, TimeUnit.SECONDS)).as("all 20 requests started").isTrue();
            assertThat(server.inFlight()).isEqualTo(20);
            releaseOnceStopping(server, release);
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

    /** Opens {@code release} once the server has begun to stop (its first step removes server.fifo). */
    private static void releaseOnceStopping(FifoServer server, CountDownLatch release) {
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Await.until(Duration.ofSeconds(60), "server stopping", () -> !Files.exists(server.serverFifo()));
            } catch (InterruptedException | AssertionError e) {
                // release anyway: the test fails on its own
            }
            release.countDown();
        });
    }

    @Test
    void requestsWaitingInThePipeAtShutdownAreStillAnswered() throws Exception {
        Path dir = tmp.resolve("srv");
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FifoServer server = FifoServer.bind(dir, (req, reply) -> {
            first.countDown();
            // the first request holds the only slot until close() has begun: the others wait in
            // the pipe, and no client is answered (and its FIFO removed) before they are counted
            if (!release.await(25, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            reply.send(req.payload());
        }, Logs.quiet().maxInFlight(1));
        long self = ProcessHandle.current().pid();
        long serversOwn = Processes.descriptorsOn(self, server.serverFifo());
        assertThat(serversOwn).as("the server's own descriptors on server.fifo").isPositive();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String body = "q" + i;
                replies.add(pool.submit(() -> FifoClient.of(dir).id(FifoClient.uniqueId())
                        .timeout(Duration.ofSeconds(30)).request(body.getBytes(UTF_8))));
            }
            assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
            // every client has its FIFO (so it has opened server.fifo) ...
            Await.until(Duration.ofSeconds(30), "client FIFOs created", () -> {
                try (var files = Files.list(dir)) {
                    return files.filter(p -> p.getFileName().toString().startsWith("client.")).count() == 10;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            // ... and has closed server.fifo again, which it does only once its request is written
            Await.until(Duration.ofSeconds(30), "requests written",
                    () -> Processes.descriptorsOn(self, server.serverFifo()) == serversOwn);
            releaseOnceStopping(server, release);
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
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("server.fifo and server.lock removed").isEmpty();
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

    @Test
    void aStopEndsRequestsInFlightWithAnErrorAfterTheGracePeriod() throws Exception {
        Path dir = tmp.resolve("srv");
        CountDownLatch started = new CountDownLatch(1);
        FifoServer server = FifoServer.bind(dir, (req, reply) -> {
            started.countDown();
            new CountDownLatch(1).await();
        }, Logs.quiet().gracePeriod(Duration.ofMillis(500)).requestDeadline(Duration.ofSeconds(60)));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> reply = pool.submit(() -> FifoClient.of(dir).timeout(Duration.ofSeconds(30)).request(new byte[1]));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            server.close();
            long took = (System.nanoTime() - t0) / 1_000_000;
            assertThat(took).as("close() took %d ms with a 500 ms grace", took).isLessThan(5_000);
            assertThatThrownBy(() -> reply.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ErrorReplyException.class)
                    .hasMessageContaining("the server is stopping");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aPlantedLockFileLinkIsNeverTruncated() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("srv"));
        Path victim = Files.writeString(tmp.resolve("victim"), "precious");
        Files.createLink(dir.resolve(ServerProtocol.LOCK_FILE), victim);
        try (FifoServer _ = FifoServer.bind(dir, ECHO, Logs.quiet())) {
            assertThat(Files.readString(victim)).isEqualTo("precious");
        }
        Path other = Files.writeString(tmp.resolve("other"), "also precious");
        Files.createSymbolicLink(dir.resolve(ServerProtocol.LOCK_FILE), other);
        try (FifoServer _ = FifoServer.bind(dir, ECHO, Logs.quiet())) {
            assertThat(Files.readString(other)).isEqualTo("also precious");
        }
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(dir.resolve(ServerProtocol.LOCK_FILE)).doesNotExist();
    }
}
