package dev.fifokit.jmh;

import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageBatch;
import dev.fifokit.messages.MessageHandler;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The bulk message paths with no pipe, per 64-byte {@code mesg} message: {@link MessageBatch}
 * building 64 frames in place (or copying 64 payloads) for one write, and
 * {@link MessageReader#receiveAll} handing over the 1024 frames of one 64 KiB read. Compare with
 * {@link MessageCodecBenchmark}'s one-message-per-call {@code send} and {@code receive}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class MessageBulkBenchmark {
    private static final int PAYLOAD = 48;

    private final byte[] payload = new byte[PAYLOAD];
    private MessageWriter writer;
    private MessageReader reader;
    private final Sum sum = new Sum();
    private long seq;

    /** What a consumer does with each message: reads its sequence number. */
    static final class Sum implements MessageHandler {
        long total;

        @Override
        public void onMessage(long type, ByteBuffer payload) {
            total += payload.getLong(payload.position());
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        writer = MessageWriter.of(new MessageCodecBenchmark.Sink(), Framing.MESG);
        ByteBuffer block = ByteBuffer.allocate(1 << 16);
        MessageWriter recorder = MessageWriter.of(new MessageCodecBenchmark.Capture(block), Framing.MESG);
        for (int i = 0; i < 1024; i++) {
            recorder.send(1, payload);
        }
        recorder.flush();
        reader = MessageReader.of(new MessageCodecBenchmark.Replay(block.array()), Framing.MESG);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public void batchInPlace() throws IOException {
        try (MessageBatch batch = writer.batch()) {
            for (int i = 0; i < 64; i++) {
                batch.add(1, PAYLOAD).putLong(seq++);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public void batchCopy() throws IOException {
        try (MessageBatch batch = writer.batch()) {
            for (int i = 0; i < 64; i++) {
                payload[0] = (byte) seq++;
                batch.add(1, payload, 0, PAYLOAD);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public long receiveAll() throws IOException {
        reader.receiveAll(sum);
        return sum.total;
    }
}
