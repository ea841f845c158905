package dev.fifokit.server;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The request parser against a real FIFO: garbage from one writer, atomic requests from others. */
@Timeout(120)
class RequestReaderTest {
    @TempDir
    Path tmp;

    /** Reply FIFOs for the simple-form ids {@code ids}, as their clients would have made them. */
    private static void replyFifos(Path dir, long... ids) throws Exception {
        for (long id : ids) {
            Fifo.create(ServerProtocol.clientFifo(dir, id), 0600).keep().close();
        }
    }

    /** A token-form request frame of client {@code pid} carrying {@code body} (a random token). */
    private static byte[] tokenFrame(long pid, byte[] body, Random r) {
        java.nio.ByteBuffer ticket = java.nio.ByteBuffer.allocate(ServerProtocol.TICKET_BYTES + body.length)
                .order(java.nio.ByteOrder.nativeOrder());
        byte[] token = new byte[ServerProtocol.TOKEN_BYTES];
        r.nextBytes(token);
        ticket.put(token).putLong(body.length).put(body);
        return RawClient.frame(ServerProtocol.TOKEN_FORM + pid, ticket.array());
    }

    /** Parses everything queued in {@code path} through a fresh reader; the types of the frames found. */
    private static List<Long> parse(Path path, Path dir, byte[] written) throws Exception {
        try (Fifo f = Fifo.create(path, 0600);
             FifoReader in = f.openReader(ReaderOptions.defaults().keepAlive());
             FifoWriter w = FifoWriter.open(path)) {
            w.write(written);
            RequestReader reader = new RequestReader(in, 4080, path, new ServerLog(line -> { }),
                    RequestReader.replyFifoCheck(dir));
            List<Long> found = new java.util.ArrayList<>();
            reader.fillBlocking();
            reader.pass((type, payload) -> found.add(type), 1 << 20);
            return found;
        }
    }

    @Test
    void aStrayByteBeforeAShortRequestDoesNotSwallowIt() throws Exception {
        // the stray byte and the request read as a header of length 256 * 5 + 7 and type 256 * 2,
        // a client that is live too: the outer frame holds the whole request, so it is garbage
        replyFifos(tmp, 2, 512);
        byte[] after = new byte[2000];
        new Random(3).nextBytes(after);
        byte[] all = RawClient.concat(new byte[] {7}, RawClient.frame(2, new byte[5]), after);
        assertThat(parse(tmp.resolve("s.fifo"), tmp, all)).containsExactly(2L);
    }

    @Test
    void aFrameWhoseReplyFifoDoesNotExistIsGarbage() throws Exception {
        replyFifos(tmp, 9);
        byte[] all = RawClient.concat(RawClient.frame(8, "nobody".getBytes()), RawClient.frame(9, "somebody".getBytes()));
        assertThat(parse(tmp.resolve("s.fifo"), tmp, all)).containsExactly(9L);
    }

    @Test
    void aRequestWhosePayloadEndsInZerosBeforeAnotherRequestIsKept() throws Exception {
        // the last eight zero bytes of the first payload and the next length (9) read as a
        // header of length 0 and type 9: a live client, but that frame is not inside the first
        replyFifos(tmp, 4, 9);
        byte[] all = RawClient.concat(RawClient.frame(4, new byte[40]), RawClient.frame(9, new byte[9]));
        assertThat(parse(tmp.resolve("s.fifo"), tmp, all)).containsExactly(4L, 9L);
    }

    @Test
    void aRequestHoldingAWholeLiveFrameIsReadAsThatFrame() throws Exception {
        // the known ambiguity, pinned down: client 512's request of 12 zero bytes reads, from its
        // second byte on, as a whole empty request of client 2; with both live the server cannot
        // tell it from a stray byte in front of client 2's request, and takes the inner frame
        replyFifos(tmp, 2, 512);
        assertThat(parse(tmp.resolve("s.fifo"), tmp, RawClient.frame(512, new byte[12]))).containsExactly(2L);
    }

    @Test
    void everyRequestWrittenAmongAGarbageFloodIsFound() throws Exception {
        Path path = tmp.resolve("s.fifo");
        Path dir = java.nio.file.Files.createDirectory(tmp.resolve("d"));
        int requests = 2000;
        // ids as pids look: none of them is 256 times another (see aRequestHoldingAWholeLiveFrameIsReadAsThatFrame)
        long first = 10_000;
        long last = first + requests - 1;
        for (long id = first; id <= last; id += 2) {
            replyFifos(dir, id); // every simple-form client is live for the whole test
        }
        try (Fifo f = Fifo.create(path, 0600);
             FifoReader in = f.openReader(ReaderOptions.defaults().keepAlive())) {
            Set<Long> found = ConcurrentHashMap.newKeySet();
            ServerLog log = new ServerLog(line -> { });
            RequestReader reader = new RequestReader(in, 4080, path, log, RequestReader.replyFifoCheck(dir));
            AtomicBoolean stop = new AtomicBoolean();
            Thread garbage = Thread.ofPlatform().start(() -> {
                Random r = new Random(1);
                byte[] junk = new byte[128 * 1024];
                try (FifoWriter w = FifoWriter.open(path)) {
                    while (!stop.get()) {
                        r.nextBytes(junk);
                        w.write(junk);
                    }
                } catch (Exception ignored) {
                    // the reader closed
                }
            });
            Thread senders = Thread.ofPlatform().start(() -> {
                Random r = new Random(2);
                try (FifoWriter w = FifoWriter.open(path)) {
                    for (long id = first; id <= last; id++) {
                        byte[] payload = new byte[(int) (id % 100)];
                        w.write(id % 2 == 0 ? RawClient.frame(id, payload) : tokenFrame(id, payload, r));
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            long end = System.nanoTime() + 60_000_000_000L;
            while (found.size() < requests && System.nanoTime() < end) {
                if (reader.buffered() == 0) {
                    reader.fillBlocking();
                }
                reader.pass((type, payload) -> {
                    found.add(type > ServerProtocol.TOKEN_FORM ? type - ServerProtocol.TOKEN_FORM : type);
                    return true;
                }, 1 << 20);
            }
            stop.set(true);
            senders.join();
            in.close();
            garbage.join(10_000);
            System.out.println("found " + found.size() + " of " + requests + ", garbage " + log.garbageBytes.get());
            List<Long> missing = java.util.stream.LongStream.rangeClosed(first, last).boxed()
                    .filter(id -> !found.contains(id)).toList();
            assertThat(missing).as("requests never found").isEmpty();
            assertThat(found).as("nothing but the requests written").allMatch(id -> id >= first && id <= last);
        }
    }
}
