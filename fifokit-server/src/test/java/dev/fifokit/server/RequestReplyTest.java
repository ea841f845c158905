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

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
