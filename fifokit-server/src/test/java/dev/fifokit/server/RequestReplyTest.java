package dev.fifokit.server;

import dev.fifokit.PeerTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class RequestReplyTest {
    @TempDir
    Path tmp;

    static final RequestHandler UPPER = RequestHandler.replying((bytes, client) ->
            new String(bytes, UTF_8).toUpperCase(java.util.Locale.ROOT).getBytes(UTF_8));

    @Test
    void aRequestGetsItsReplyAndTheClientFifoIsRemoved() throws Exception {
        Path dir = tmp.resolve("srv");
        FifoServer server = FifoServer.bind(dir, UPPER, Logs.quiet());
        try (server) {
            byte[] reply = FifoClient.request(dir, "hello".getBytes(UTF_8), Duration.ofSeconds(5));
            assertThat(new String(reply, UTF_8)).isEqualTo("HELLO");
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                        .containsExactly("server.fifo", "server.lock");
            }
        }
        assertThat(server.stats().answered()).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("server.fifo and server.lock removed").isEmpty();
        }
    }

    @Test
    void theDirectoryIsCreated0700AndServerFifoHasItsMode() throws Exception {
        Path dir = tmp.resolve("a/b");
        try (FifoServer server = FifoServer.bind(dir, UPPER, Logs.quiet().fifoMode(0620))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.serverFifo())))
                    .isEqualTo("rw--w----");
        }
    }

    @Test
    void theHandlerSeesTheClientIdAndUid() throws Exception {
        Path dir = tmp.resolve("srv");
        List<ClientIdentity> seen = new CopyOnWriteArrayList<>();
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> seen.add(req.client()), Logs.quiet())) {
            FifoClient.of(dir).id(4242).timeout(Duration.ofSeconds(5)).request(new byte[0]);
            FifoClient.of(dir).timeout(Duration.ofSeconds(5)).request(new byte[0]);
        }
        int uid = (Integer) Files.getAttribute(tmp, "unix:uid");
        assertThat(seen).containsExactly(new ClientIdentity(4242, uid),
                new ClientIdentity(ProcessHandle.current().pid(), uid));
    }

    @Test
    void aStreamedReplyArrivesInPartsInOrder() throws Exception {
        Path dir = tmp.resolve("srv");
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        RequestHandler h = (req, reply) -> {
            try (var out = reply.outputStream()) {
                for (int i = 0; i < big.length; i += 1000) {
                    out.write(big, i, Math.min(1000, big.length - i));
                }
            }
        };
        try (FifoServer server = FifoServer.bind(dir, h, Logs.quiet())) {
            List<Integer> sizes = new ArrayList<>();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            FifoClient.of(dir).timeout(Duration.ofSeconds(10)).request(new byte[0], part -> {
                sizes.add(part.length);
                got.writeBytes(part);
            });
            assertThat(got.toByteArray()).isEqualTo(big);
            assertThat(sizes).allMatch(n -> n <= server.maxPayload());
        }
    }

    @Test
    void anErrorReplyCarriesTheHandlersText() throws Exception {
        Path dir = tmp.resolve("srv");
        FifoServer server = FifoServer.bind(dir, (req, reply) -> {
            throw new RequestRejectedException("no such key: " + req.text());
        }, Logs.quiet());
        try (server) {
            assertThatThrownBy(() -> FifoClient.request(dir, "k1".getBytes(UTF_8), Duration.ofSeconds(5)))
                    .isInstanceOf(ErrorReplyException.class)
                    .satisfies(e -> assertThat(((ErrorReplyException) e).text()).isEqualTo("no such key: k1"));
        }
        assertThat(server.stats().errorReplies()).isEqualTo(1);
    }

    @Test
    void noServerFailsAtOnce() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> FifoClient.request(dir, new byte[1], Duration.ofSeconds(30)))
                .isInstanceOf(NoServerException.class)
                .hasMessageContaining("server.fifo");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        Path dir = tmp.resolve("srv");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> release.await(),
                Logs.quiet().requestDeadline(Duration.ofSeconds(20)))) {
            assertThatThrownBy(() -> FifoClient.request(dir, new byte[1], Duration.ofMillis(300)))
                    .isInstanceOf(PeerTimeoutException.class)
                    .hasMessageContaining("no reply within 300ms");
            release.countDown();
        }
    }

    @Test
    void requestsOfAnySizeArriveWhole() throws Exception {
        Path dir = tmp.resolve("srv");
        try (FifoServer server = FifoServer.bind(dir, (req, reply) -> reply.send(req.payload()), Logs.quiet())) {
            for (int size : new int[] {0, 1, server.maxPayload() - 24, server.maxPayload() - 23, server.maxPayload(),
                    server.maxPayload() + 1, 100_000, 3_000_000}) {
                byte[] body = new byte[size];
                new java.util.Random(size).nextBytes(body);
                assertThat(FifoClient.request(dir, body, Duration.ofSeconds(20))).as("%d bytes", size).isEqualTo(body);
            }
            assertThat(server.stats().received()).isEqualTo(8);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("no FIFO left behind").isEmpty();
        }
    }

    @Test
    void aRequestOverTheServersLimitGetsAnErrorReply() throws Exception {
        Path dir = tmp.resolve("srv");
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> reply.send("ran"),
                Logs.quiet().maxRequestBytes(10_000))) {
            assertThatThrownBy(() -> FifoClient.request(dir, new byte[20_000], Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class);
            assertThat(FifoClient.request(dir, new byte[9_000], Duration.ofSeconds(10))).isEqualTo("ran".getBytes(UTF_8));
        }
    }

    @Test
    void aPartSentBeforeALongPauseReachesTheClientDuringThePause() throws Exception {
        Path dir = tmp.resolve("srv");
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
        RequestHandler h = (req, reply) -> {
            reply.send("first");
            // the client counts this down when "first" has reached it
            reply.send(seen.await(20, java.util.concurrent.TimeUnit.SECONDS) ? "second" : "first was held back");
        };
        try (FifoServer _ = FifoServer.bind(dir, h, Logs.quiet())) {
            List<String> parts = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            FifoClient.of(dir).timeout(Duration.ofSeconds(30)).request(new byte[0], part -> {
                parts.add(text(part));
                seen.countDown();
            });
            assertThat(parts).containsExactly("first", "second");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aHandlerThatLeavesItsThreadInterruptedStillHasItsReplyDelivered() throws Exception {
        Path dir = tmp.resolve("srv");
        RequestHandler h = (req, reply) -> {
            reply.send("before");
            Thread.currentThread().interrupt(); // e.g. it caught an InterruptedException and restored the status
            reply.send("after");
        };
        try (FifoServer server = FifoServer.bind(dir, h, Logs.quiet())) {
            for (int i = 0; i < 3; i++) {
                List<String> parts = new CopyOnWriteArrayList<>();
                FifoClient.of(dir).timeout(Duration.ofSeconds(10)).request(new byte[0], part -> parts.add(text(part)));
                assertThat(parts).containsExactly("before", "after");
            }
            assertThat(server.stats().dropped()).isZero();
        }
    }

    @Test
    void aReplyOfManyPartsForAClientThatReadsArrivesWhole() throws Exception {
        Path dir = tmp.resolve("srv");
        int parts = HandlerReply.PARTS_AHEAD * 5 + 3;
        RequestHandler h = (req, reply) -> {
            for (int i = 0; i < parts; i++) {
                reply.send("p" + i + ";");
            }
        };
        try (FifoServer _ = FifoServer.bind(dir, h, Logs.quiet())) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < parts; i++) {
                expected.append("p").append(i).append(';');
            }
            byte[] reply = FifoClient.request(dir, new byte[0], Duration.ofSeconds(10));
            assertThat(text(reply)).isEqualTo(expected.toString());
        }
    }

    @Test
    void aPrivateDirectoryOthersCanWriteIsStillServedAndStillGuarded() throws Exception {
        Path dir = tmp.resolve("srv");
        try (FifoServer server = FifoServer.bind(dir, UPPER, Logs.quiet())) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            Thread.sleep(1_200); // the server looks at its directory's mode once a second
            assertThat(FifoClient.request(dir, "hi".getBytes(UTF_8), Duration.ofSeconds(5))).asString(UTF_8).isEqualTo("HI");
            Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious");
            long id = FifoClient.uniqueId();
            Files.createSymbolicLink(ServerProtocol.clientFifo(dir, id), victim);
            RawClient.writeRaw(dir, RawClient.frame(id, "x".getBytes(UTF_8)));
            dev.fifokit.testing.Await.until(Duration.ofSeconds(5), "request dropped", () -> server.stats().dropped() == 1);
            assertThat(Files.readString(victim)).isEqualTo("precious");
            Files.delete(ServerProtocol.clientFifo(dir, id));
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
