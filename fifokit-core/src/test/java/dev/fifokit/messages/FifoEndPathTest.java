package dev.fifokit.messages;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direct path to a fifokit end: the writer hands its buffer to the end as a segment and the
 * reader reads into the free tail of its buffer as one. Both keep the segment of the last call
 * and use it again when the size (writer) or the offset (reader) is the same, so every size and
 * offset must still put the right bytes on the wire and in the messages.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FifoEndPathTest {

    /** Frames of changing sizes, sent one write each, are on the wire exactly as encoded. */
    @Test
    void writerSendsEachSizeWithItsOwnLength() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // sizes repeat (the kept segment is used) and change (a new one is made)
            int len = i % 7 == 0 ? random.nextInt(0, 200) : 48;
            byte[] p = new byte[len];
            random.nextBytes(p);
            sent.add(new Message(i, p));
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (MessageWriter w = MessageWriter.of(java.nio.channels.Channels.newChannel(expected), Framing.MESG)) {
            for (Message m : sent) {
                w.send(m);
            }
        }
        try (Pipe pipe = Pipe.open()) {
            FifoReader in = pipe.reader();
            CompletableFuture<byte[]> wire = CompletableFuture.supplyAsync(() -> {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] b = new byte[1000];
                try {
                    for (int n; got.size() < expected.size() && (n = in.read(b, 0, b.length)) > 0; ) {
                        got.write(b, 0, n);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                return got.toByteArray();
            });
            try (MessageWriter w = MessageWriter.of(pipe.writer(), Framing.MESG)) {
                for (Message m : sent) {
                    w.send(m);
                }
            }
            assertThat(wire.get(30, TimeUnit.SECONDS)).isEqualTo(expected.toByteArray());
        }
    }

    /**
     * Frames cut into writes of odd sizes reach a reader with a small buffer (so reads land at
     * many offsets, and it compacts), whole and in order, on each of its paths.
     */
    @Test
    void readerReassemblesFramesFromReadsAtEveryOffset() throws Exception {
        SplittableRandom random = new SplittableRandom(14);
        List<Message> sent = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (MessageWriter w = MessageWriter.of(java.nio.channels.Channels.newChannel(wire), Framing.MESG,
                MessageOptions.defaults().exclusiveWriter())) {
            for (int i = 0; i < 2000; i++) {
                byte[] p = new byte[random.nextInt(0, 90)];
                random.nextBytes(p);
                Message m = new Message(i, p);
                sent.add(m);
                w.send(m);
            }
        }
        byte[] bytes = wire.toByteArray();
        for (int path = 0; path < 3; path++) {
            try (Pipe pipe = Pipe.open()) {
                FifoWriter out = pipe.writer();
                CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                    try (out) {
                        SplittableRandom cuts = new SplittableRandom(3);
                        for (int at = 0; at < bytes.length; ) {
                            int n = Math.min(bytes.length - at, cuts.nextInt(1, 150));
                            out.write(bytes, at, n);
                            at += n;
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                List<Message> got = new ArrayList<>();
                try (MessageReader r = MessageReader.of(pipe.reader(), Framing.MESG,
                        MessageOptions.defaults().maxPayload(100).bufferBytes(128))) {
                    ByteBuffer into = ByteBuffer.allocate(100);
                    while (true) {
                        if (path == 0) {
                            Message m = r.receive();
                            if (m == null) {
                                break;
                            }
                            got.add(m);
                        } else if (path == 1) {
                            into.clear();
                            int n = r.receive(into);
                            if (n < 0) {
                                break;
                            }
                            byte[] p = new byte[n];
                            into.flip().get(p);
                            got.add(new Message(r.lastType(), p));
                        } else {
                            MessageBulkTest.Collect c = new MessageBulkTest.Collect();
                            if (r.receiveAll(c) < 0) {
                                break;
                            }
                            got.addAll(c.got);
                        }
                    }
                }
                writing.get(30, TimeUnit.SECONDS);
                assertThat(got).as("path %d", path).isEqualTo(sent);
            }
        }
    }
}
