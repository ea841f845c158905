package dev.fifokit.messages;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jazzer fuzz tests of both decoders. In a normal build they replay the committed corpus in
 * {@code src/test/resources/dev/fifokit/messages/DecoderFuzzTestInputs/<method>/}; with
 * {@code -Pfuzz} (JAZZER_FUZZ=1) they fuzz for a bounded time.
 *
 * <p>Input layout (so corpus files can be written by hand): byte 0 chooses the read size
 * ({@code 1 + (b & 63)} bytes per read, short reads everywhere), byte 1 the maximum payload
 * ({@code 0..255}), and the rest is the byte stream the reader sees.
 *
 * <p>What must hold for any input: the reader only ever fails with one of its three typed
 * errors, never hands out a payload over the maximum, keeps going after a truncated frame or
 * an over-long line, and what it decoded survives being written and read again.
 */
class DecoderFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void mesgDecoder(byte[] input) throws IOException {
        decode(Framing.MESG, input);
    }

    @FuzzTest(maxDuration = "20s")
    void lineDecoder(byte[] input) throws IOException {
        decode(Framing.LINE, input);
    }

    private static void decode(Framing framing, byte[] input) throws IOException {
        if (input.length < 2) {
            decodeAll(framing, new byte[0], 1, 0);
            return;
        }
        int chunk = 1 + (input[0] & 63);
        int max = input[1] & 0xff;
        decodeAll(framing, Arrays.copyOfRange(input, 2, input.length), chunk, max);
    }

    /** Decodes {@code input} to the end, checking the invariants above; returns the messages. */
    static List<Message> decodeAll(Framing framing, byte[] input, int chunk, int max) throws IOException {
        MessageOptions options = MessageOptions.defaults().maxPayload(max).bufferBytes(64);
        MessageReader reader = MessageReader.of(new TestChannels.Chunked(input, chunk), framing, options);
        List<Message> got = new ArrayList<>();
        for (int steps = 0; steps <= input.length + 2; steps++) {
            Message m;
            try {
                m = reader.receive();
            } catch (CorruptFrameException e) {
                assertThat(framing).isEqualTo(Framing.MESG);
                assertThat(e.offset()).isBetween(0L, (long) input.length - 16);
                break; // the header stays bad: the caller must decide
            } catch (TruncatedMessageException e) {
                assertThat(e.offset()).isBetween(0L, (long) input.length);
                continue;
            } catch (MessageTooLargeException e) {
                assertThat(framing).isEqualTo(Framing.LINE);
                assertThat(e.offset()).isBetween(0L, (long) input.length);
                continue;
            }
            if (m == null) {
                break;
            }
            assertThat(m.length()).isLessThanOrEqualTo(max);
            got.add(m);
        }
        assertThat(reader.offset()).isLessThanOrEqualTo(input.length);
        assertThat(decodeInBulk(framing, input, chunk, max)).as("receiveAll decodes what receive does").isEqualTo(got);
        roundTrip(framing, got, max);
        return got;
    }

    /** The same stream through {@link MessageReader#receiveAll}: must give the same messages. */
    private static List<Message> decodeInBulk(Framing framing, byte[] input, int chunk, int max) throws IOException {
        MessageOptions options = MessageOptions.defaults().maxPayload(max).bufferBytes(64);
        MessageReader reader = MessageReader.of(new TestChannels.Chunked(input, chunk), framing, options);
        List<Message> got = new ArrayList<>();
        MessageHandler collect = (type, payload) -> {
            assertThat(payload.remaining()).isLessThanOrEqualTo(max);
            byte[] b = new byte[payload.remaining()];
            payload.get(payload.position(), b);
            got.add(new Message(type, b));
        };
        for (int steps = 0; steps <= input.length + 2; steps++) {
            try {
                int n = reader.receiveAll(collect);
                if (n < 0) {
                    break;
                }
                assertThat(n).isPositive();
            } catch (CorruptFrameException e) {
                break;
            } catch (TruncatedMessageException | MessageTooLargeException e) {
                continue;
            }
        }
        return got;
    }

    private static void roundTrip(Framing framing, List<Message> messages, int max) throws IOException {
        TestChannels.Recording out = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(out, framing, MessageOptions.defaults().exclusiveWriter())) {
            for (Message m : messages) {
                w.send(m);
            }
        }
        MessageReader again = MessageReader.of(new TestChannels.Chunked(out.all(), 1 << 16), framing,
                MessageOptions.defaults().maxPayload(max));
        for (Message m : messages) {
            assertThat(again.receive()).isEqualTo(m);
        }
        assertThat(again.receive()).isNull();
    }
}
