package dev.fifokit.messages;

import dev.fifokit.ends.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static dev.fifokit.messages.MessageFramingTest.concat;
import static dev.fifokit.messages.MessageFramingTest.mesg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final byte[] HELLO = mesg(5, 1, "hello".getBytes(StandardCharsets.US_ASCII));

    private static MessageReader reader(Framing f, byte[] data, int chunk) throws Exception {
        return MessageReader.of(new TestChannels.Chunked(data, chunk), f, MessageOptions.defaults().maxPayload(4080));
    }

    @Test
    void negativeLengthIsACorruptFrameAtItsOffsetAfterEveryGoodMessage() throws Exception {
        MessageReader r = reader(Framing.MESG, concat(HELLO, mesg(-1, 1, new byte[40])), 3);
        assertThat(r.receive().text()).isEqualTo("hello");
        assertThatThrownBy(r::receive)
                .isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("corrupt frame at byte offset 21: negative length -1")
                .satisfies(e -> assertThat(((CorruptFrameException) e).offset()).isEqualTo(21))
                .satisfies(e -> assertThat(((CorruptFrameException) e).received())
                        .startsWith(java.util.Arrays.copyOf(mesg(-1, 1, new byte[0]), 16)));
        // the bad header stays: the reader does not guess where a next frame could start
        assertThatThrownBy(r::receive).isInstanceOf(CorruptFrameException.class);
        assertThat(r.discardBuffered()).isPositive();
    }

    @Test
    void hugeLengthIsRefusedWithoutAllocatingIt() throws Exception {
        MessageReader r = reader(Framing.MESG, concat(HELLO, HELLO, mesg(1L << 40, 1, new byte[8])), 1 << 16);
        assertThat(r.receive()).isEqualTo(Message.of(1, "hello"));
        assertThat(r.receive(ByteBuffer.allocate(100))).isEqualTo(5);
        assertThatThrownBy(r::receive)
                .isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("byte offset 42: length 1099511627776 is over the maximum payload of 4080 bytes");
    }

    @Test
    void lengthJustOverTheMaximumIsCorrupt() throws Exception {
        MessageReader r = reader(Framing.MESG, mesg(4081, 1, new byte[4081]), 100);
        assertThatThrownBy(r::receive).isInstanceOf(CorruptFrameException.class).hasMessageContaining("4081");
        MessageReader ok = reader(Framing.MESG, mesg(4080, 1, new byte[4080]), 100);
        assertThat(ok.receive().length()).isEqualTo(4080);
    }

    @Test
    void endOfStreamInsideAHeaderOrPayloadIsATruncatedMessage() throws Exception {
        byte[] header = mesg(100, 1, new byte[0]);
        MessageReader r = reader(Framing.MESG, concat(HELLO, java.util.Arrays.copyOf(header, 9)), 4);
        assertThat(r.receive().text()).isEqualTo("hello");
        assertThatThrownBy(r::receive)
                .isInstanceOf(TruncatedMessageException.class)
                .hasMessageContaining("truncated message at byte offset 21: end of stream after 9 of the 16 header bytes")
                .satisfies(e -> assertThat(((TruncatedMessageException) e).partial())
                        .as("what arrived, for a server's log").isEqualTo(java.util.Arrays.copyOf(header, 9)));
        assertThat(r.receive()).isNull();

        MessageReader p = reader(Framing.MESG, concat(HELLO, header, new byte[30]), 7);
        p.receive();
        assertThatThrownBy(p::receive)
                .isInstanceOf(TruncatedMessageException.class)
                .hasMessageContaining("after 30 of 100 payload bytes")
                .satisfies(e -> assertThat(((TruncatedMessageException) e).received()).isEqualTo(46))
                .satisfies(e -> assertThat(((TruncatedMessageException) e).partial())
                        .isEqualTo(concat(header, new byte[30])));
        assertThat(p.receive()).isNull();
    }

    @Test
    void largePayloadTruncatedWhileReadingStraightIntoTheMessage() throws Exception {
        byte[] data = concat(mesg(100_000, 3, new byte[0]), new byte[50_000]);
        MessageReader r = MessageReader.of(new TestChannels.Chunked(data, 4096), Framing.MESG,
                MessageOptions.defaults().maxPayload(200_000).bufferBytes(4096));
        assertThatThrownBy(r::receive)
                .isInstanceOf(TruncatedMessageException.class)
                .hasMessageContaining("byte offset 0")
                .hasMessageContaining("after 50000 of 100000 payload bytes");
        assertThat(r.receive()).isNull();
    }

    @Test
    void aLineOverTheMaximumIsRefusedAndTheNextLineStillArrives() throws Exception {
        byte[] text = ("short\n" + "x".repeat(50) + "\n" + "after\n").getBytes(StandardCharsets.US_ASCII);
        for (int chunk : new int[]{1, 4, 1000}) {
            MessageReader r = MessageReader.of(new TestChannels.Chunked(text, chunk), Framing.LINE,
                    MessageOptions.defaults().maxPayload(10));
            assertThat(r.receive().text()).isEqualTo("short");
            assertThatThrownBy(r::receive)
                    .isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("line at byte offset 6 is longer than the maximum payload of 10 bytes")
                    .satisfies(e -> assertThat(((MessageTooLargeException) e).offset()).isEqualTo(6));
            assertThat(r.receive().text()).isEqualTo("after");
            assertThat(r.receive()).isNull();
        }
    }

    @Test
    void aLineWithoutItsNewlineIsTruncatedUnlessAccepted() throws Exception {
        byte[] text = "one\ntwo".getBytes(StandardCharsets.US_ASCII);
        MessageReader strict = reader(Framing.LINE, text, 2);
        assertThat(strict.receive().text()).isEqualTo("one");
        assertThatThrownBy(strict::receive)
                .isInstanceOf(TruncatedMessageException.class)
                .hasMessageContaining("byte offset 4: end of stream inside a line of 3 bytes")
                .satisfies(e -> assertThat(((TruncatedMessageException) e).partial())
                        .isEqualTo("two".getBytes(StandardCharsets.US_ASCII)));
        MessageReader lenient = MessageReader.of(new TestChannels.Chunked(text, 2), Framing.LINE,
                MessageOptions.defaults().acceptUnterminatedLine());
        assertThat(lenient.receive().text()).isEqualTo("one");
        assertThat(lenient.receive().text()).isEqualTo("two");
        assertThat(lenient.receive()).isNull();
    }

    @Test
    void atomicFramesDropAPartialFrameWithNothingQueuedAndKeepReading() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            MessageReader r = MessageReader.of(pipe.reader(), Framing.MESG, MessageOptions.defaults().atomicFrames());
            // garbage: a header promising 100 bytes, and 10 of them, in one write
            pipe.writer().write(concat(mesg(100, 1, new byte[0]), new byte[10]));
            assertThatThrownBy(r::receive)
                    .isInstanceOf(TruncatedMessageException.class)
                    .hasMessageContaining("nothing more queued");
            MessageWriter w = MessageWriter.of(pipe.writer(), Framing.MESG);
            w.send(Message.of(2, "next request"));
            assertThat(r.receive()).isEqualTo(Message.of(2, "next request"));
        }
    }

    @Test
    void fuzzRegressionInputsStayTyped() throws Exception {
        // every decoder failure is one of the three typed errors, never anything else
        byte[][] inputs = {
                {}, {0}, new byte[16], mesg(Long.MIN_VALUE, 0, new byte[0]), mesg(Long.MAX_VALUE, 0, new byte[0]),
                "\\".getBytes(StandardCharsets.US_ASCII), "\\\n".getBytes(StandardCharsets.US_ASCII),
        };
        for (byte[] in : inputs) {
            for (Framing f : Framing.values()) {
                DecoderFuzzTest.decodeAll(f, in, 3, 8);
            }
        }
    }
}
