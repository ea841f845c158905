package dev.fifokit.messages;

import dev.fifokit.Limits;
import dev.fifokit.ends.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MessageFramingTest {
    private static final MessageOptions MAX_4080 = MessageOptions.defaults().maxPayload(4080);

    @Test
    void mesgFrameIsStructMymesgByteForByteInOneWrite() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG)) {
            w.send(Message.of(7, "hello"));
        }
        ByteBuffer expected = ByteBuffer.allocate(21).order(ByteOrder.nativeOrder());
        expected.putLong(5).putLong(7).put("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(ch.writes).hasSize(1);
        assertThat(ch.writes.getFirst()).isEqualTo(expected.array());
    }

    @Test
    void lineEscapesBackslashAndNewlineOnly() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.LINE)) {
            w.send(42, "a\\b\nc\td\r".getBytes(StandardCharsets.US_ASCII));
            w.send(1, new byte[0]);
        }
        assertThat(ch.writes).hasSize(2);
        assertThat(new String(ch.all(), StandardCharsets.US_ASCII)).isEqualTo("a\\\\b\\nc\td\r\n\n");
    }

    @Test
    void plainTextLinesReadUnchangedWithTypeOne() throws Exception {
        byte[] text = "hello\nC:\\temp\\x\n\nends with backslash\\\n\\\\ and \\n\n".getBytes(StandardCharsets.UTF_8);
        List<Message> got = readAll(Framing.LINE, text, 3, MAX_4080);
        assertThat(got).extracting(Message::text)
                .containsExactly("hello", "C:\\temp\\x", "", "ends with backslash\\", "\\ and \n");
        assertThat(got).extracting(Message::type).containsOnly(Framing.LINE_TYPE);
    }

    @Test
    void everyPayloadRoundTripsInBothFramingsWhateverTheReadSizes() throws Exception {
        SplittableRandom rnd = new SplittableRandom(1);
        List<Message> sent = new ArrayList<>();
        sent.add(new Message(0, new byte[0]));
        sent.add(new Message(-1, new byte[4080]));
        for (int i = 0; i < 300; i++) {
            byte[] p = new byte[rnd.nextInt(0, 2000)];
            for (int j = 0; j < p.length; j++) {
                // many backslashes and newlines, so escaping is exercised
                int k = rnd.nextInt(8);
                p[j] = k == 0 ? (byte) '\n' : k == 1 ? (byte) '\\' : (byte) rnd.nextInt(256);
            }
            sent.add(new Message(rnd.nextLong(), p));
        }
        for (Framing f : Framing.values()) {
            TestChannels.Recording ch = new TestChannels.Recording();
            try (MessageWriter w = MessageWriter.of(ch, f, MessageOptions.defaults().exclusiveWriter())) {
                for (Message m : sent) {
                    w.send(m);
                }
            }
            for (int chunk : new int[]{1, 2, 7, 16, 17, 4096, 1 << 20}) {
                List<Message> got = readAll(f, ch.all(), chunk, MAX_4080);
                assertThat(got).hasSize(sent.size());
                for (int i = 0; i < sent.size(); i++) {
                    Message want = f == Framing.MESG ? sent.get(i) : new Message(Framing.LINE_TYPE, sent.get(i).payload());
                    assertThat(got.get(i)).as("%s message %d, reads of %d", f, i, chunk).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void hotPathFillsTheCallersBufferAndReportsTheType() throws Exception {
        for (Framing f : Framing.values()) {
            TestChannels.Recording ch = new TestChannels.Recording();
            try (MessageWriter w = MessageWriter.of(ch, f)) {
                w.send(Message.of(9, "first message"));
                w.send(Message.of(10, "2nd"));
            }
            MessageReader r = MessageReader.of(new TestChannels.Chunked(ch.all(), 5), f, MAX_4080);
            ByteBuffer small = ByteBuffer.allocate(4);
            assertThatThrownBy(() -> r.receive(small)).isInstanceOf(BufferOverflowException.class);
            ByteBuffer into = ByteBuffer.allocateDirect(64);
            assertThat(r.receive(into)).isEqualTo(13);
            assertThat(r.lastType()).isEqualTo(f == Framing.MESG ? 9 : 1);
            assertThat(r.receive(into)).isEqualTo(3);
            assertThat(r.receive(into)).isEqualTo(-1);
            into.flip();
            byte[] b = new byte[into.remaining()];
            into.get(b);
            assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("first message2nd");
        }
    }

    @Test
    void sharedBatchesAreWholeMessagesOfAtMostPipeBuf() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG, MessageOptions.defaults().batching(true))) {
            for (int i = 0; i < 1000; i++) {
                w.send(i, new byte[64]);
            }
            w.flush();
            assertThat(w.pending()).isZero();
        }
        long pipeBuf = Limits.read().pipeBuf();
        int perBatch = (int) (pipeBuf / 80);
        assertThat(ch.writes).allSatisfy(b -> {
            assertThat(b.length).isLessThanOrEqualTo((int) pipeBuf);
            assertThat(b.length % 80).isZero();
        });
        assertThat(ch.writes).hasSize((1000 + perBatch - 1) / perBatch);
        assertThat(readAll(Framing.MESG, ch.all(), 1 << 16, MessageOptions.defaults())).hasSize(1000);
    }

    @Test
    void exclusiveBatchesMayExceedPipeBuf() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG,
                MessageOptions.defaults().exclusiveWriter().batching(true))) {
            for (int i = 0; i < 1000; i++) {
                w.send(i, new byte[64]);
            }
        }
        assertThat(ch.writes.getFirst().length).isEqualTo(65536 / 80 * 80);
    }

    @Test
    void defaultMaximumIsPipeBufMinusHeaderReadFromTheFifo() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            int pipeBuf = pipe.writer().pipeBuf();
            assertThat(MessageWriter.of(pipe.writer(), Framing.MESG).maxPayload()).isEqualTo(pipeBuf - 16);
            assertThat(MessageReader.of(pipe.reader(), Framing.LINE).maxPayload()).isEqualTo(pipeBuf - 16);
        }
    }

    @Test
    void sharedWriterRefusesAFrameOverPipeBufAndWritesNothing() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        MessageWriter w = MessageWriter.of(ch, Framing.MESG);
        int max = w.maxPayload();
        assertThatThrownBy(() -> w.send(1, new byte[max + 1]))
                .isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("over the maximum payload of " + max)
                .hasMessageContaining("exclusive");
        MessageWriter big = MessageWriter.of(ch, Framing.MESG, MessageOptions.defaults().maxPayload(100_000));
        assertThatThrownBy(() -> big.send(1, new byte[max + 1]))
                .isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("over PIPE_BUF");
        MessageWriter lines = MessageWriter.of(ch, Framing.LINE);
        byte[] newlines = new byte[max];
        java.util.Arrays.fill(newlines, (byte) '\n');
        assertThatThrownBy(() -> lines.send(1, newlines))
                .isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("line frame of " + (2 * max + 1));
        assertThat(ch.writes).isEmpty();
    }

    @Test
    void exclusiveWriterSendsLargeMessagesThroughARealPipe() throws Exception {
        SplittableRandom rnd = new SplittableRandom(2);
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) rnd.nextInt(256);
        }
        for (Framing f : Framing.values()) {
            try (Pipe pipe = Pipe.open()) {
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try (MessageWriter w = MessageWriter.of(pipe.writer(), f, MessageOptions.defaults().exclusiveWriter())) {
                        w.send(5, big);
                        w.send(6, "small".getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                MessageReader r = MessageReader.of(pipe.reader(), f, MessageOptions.defaults().maxPayload(big.length));
                Message m = r.receive();
                assertThat(m.payload()).isEqualTo(big);
                assertThat(r.receive().text()).isEqualTo("small");
                assertThat(r.receive()).isNull();
                sent.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void readyTellsWhetherTheNextReceiveNeedsTheChannel() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG)) {
            w.send(Message.of(1, "a"));
            w.send(Message.of(1, "b"));
        }
        MessageReader r = MessageReader.of(new TestChannels.Chunked(ch.all(), 1 << 16), Framing.MESG);
        assertThat(r.ready()).isFalse();
        r.receive();
        assertThat(r.ready()).isTrue();
        r.receive();
        assertThat(r.ready()).isFalse();
        assertThat(r.offset()).isEqualTo(34);
    }

    @Test
    void messageEqualityIsByContent() {
        assertThat(Message.of(1, "x")).isEqualTo(Message.of(1, "x")).isNotEqualTo(Message.of(2, "x"));
        assertThat(Message.of(1, "x").hashCode()).isEqualTo(Message.of(1, "x").hashCode());
        assertThat(Framing.parse("MESG")).isEqualTo(Framing.MESG);
        assertThatThrownBy(() -> Framing.parse("raw")).hasMessageContaining("line or mesg");
    }

    static List<Message> readAll(Framing f, byte[] data, int chunk, MessageOptions options) throws Exception {
        List<Message> out = new ArrayList<>();
        MessageReader r = MessageReader.of(new TestChannels.Chunked(data, chunk), f, options);
        for (Message m; (m = r.receive()) != null; ) {
            out.add(m);
        }
        return out;
    }

    static byte[] mesg(long len, long type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder());
        b.putLong(len).putLong(type).put(payload);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
