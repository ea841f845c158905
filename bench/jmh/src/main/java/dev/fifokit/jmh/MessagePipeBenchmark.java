package dev.fifokit.jmh;

import dev.fifokit.ends.Pipe;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageBatch;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The two 64-byte {@code mesg} message rows of the suite, through a real pipe and one thread:
 * what a message costs with the fifokit end's write(2) and read(2) paths included (the other
 * message benchmarks use in-memory channels). {@code batched}: 64 frames built in place, one
 * write(2), then {@link MessageReader#receiveAll} walks them from one read(2). {@code single}:
 * one {@code send} (one write(2)) and one {@code receive(ByteBuffer)} (one read(2)) per message.
 * With {@code -prof gc} both should read 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class MessagePipeBenchmark {
    private static final int PAYLOAD = 48;

    private final byte[] payload = new byte[PAYLOAD];
    private final ByteBuffer into = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
    private final MessageBulkBenchmark.Sum sum = new MessageBulkBenchmark.Sum();
    private Pipe pipe;
    private MessageWriter writer;
    private MessageReader reader;
    private long seq;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        pipe = Pipe.open();
        writer = MessageWriter.of(pipe.writer(), Framing.MESG);
        reader = MessageReader.of(pipe.reader(), Framing.MESG);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.close();
        reader.close();
        pipe.close();
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public long batched() throws IOException {
        try (MessageBatch batch = writer.batch()) {
            for (int i = 0; i < 64; i++) {
                batch.add(1, PAYLOAD).putLong(seq++);
            }
        }
        int got = 0;
        while (got < 64) {
            got += reader.receiveAll(sum);
        }
        return sum.total;
    }

    @Benchmark
    public int single() throws IOException {
        payload[0] = (byte) seq++;
        writer.send(1, payload, 0, PAYLOAD);
        into.clear();
        return reader.receive(into);
    }
}
