package dev.fifokit.jmh;

import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;

/**
 * Frame encode and decode with no pipe: what {@link MessageWriter#send} and
 * {@link MessageReader#receive(ByteBuffer)} cost per 64-byte {@code mesg} message (16-byte
 * header, 48-byte payload) or per {@code line} message, over in-memory channels. With
 * {@code -prof gc} the allocation per message should read 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class MessageCodecBenchmark {

    @Param({"MESG", "LINE"})
    Framing framing;

    @Param({"false", "true"})
    boolean batching;

    private final byte[] payload = new byte[48];
    private MessageWriter writer;
    private MessageReader reader;
    private final ByteBuffer into = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
    private long seq;

    /** Accepts and drops everything, like /dev/null. */
    static final class Sink implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Appends everything written to a buffer: records a block of encoded frames. */
    static final class Capture implements WritableByteChannel {
        private final ByteBuffer into;

        Capture(ByteBuffer into) {
            this.into = into;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            into.put(src);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Serves the same block of whole frames for ever. */
    static final class Replay implements ReadableByteChannel {
        private final byte[] block;
        private int at;

        Replay(byte[] block) {
            this.block = block;
        }

        @Override
        public int read(ByteBuffer dst) {
            int n = Math.min(dst.remaining(), block.length - at);
            dst.put(block, at, n);
            at = (at + n) % block.length;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        writer = MessageWriter.of(new Sink(), framing, MessageOptions.defaults().batching(batching));
        // 1024 encoded messages, recorded once, replayed to the reader
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        try (MessageWriter recorder = MessageWriter.of(new Capture(block), framing)) {
            for (int i = 0; i < 1024; i++) {
                recorder.send(1, payload);
            }
        }
        byte[] frames = new byte[block.position()];
        block.flip().get(frames);
        reader = MessageReader.of(new Replay(frames), framing);
    }

    @Benchmark
    public void encode() throws IOException {
        payload[0] = (byte) seq++;
        writer.send(1, payload, 0, payload.length);
    }

    @Benchmark
    public int decode() throws IOException {
        into.clear();
        return reader.receive(into);
    }
}
