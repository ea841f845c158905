package dev.fifokit.jmh;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.Pipe;
import dev.fifokit.internal.linux.Libc;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe.SinkChannel;
import java.nio.channels.Pipe.SourceChannel;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one write(2) plus one read(2) of {@code size} bytes on an anonymous pipe, on one
 * thread, so the pipe never blocks: what fifokit adds over the bare downcall ({@code rawLibc})
 * and over the JDK's own pipe channels ({@code jdkPipe}). The C figure for the same loop is the
 * {@code calls} workload of {@code fifokit bench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class PipeCallsBenchmark {

    @Param({"64", "4096"})
    int size;

    private Pipe pipe;
    private FifoWriter writer;
    private FifoReader reader;
    private byte[] array;
    private ByteBuffer heapBuffer;
    private ByteBuffer directBuffer;
    private MemorySegment segment;
    private MemorySegment callState;
    private Arena arena;
    private java.nio.channels.Pipe jdk;
    private SinkChannel jdkSink;
    private SourceChannel jdkSource;

    @Setup(Level.Trial)
    public void open() throws IOException {
        pipe = Pipe.open();
        writer = pipe.writer();
        reader = pipe.reader();
        array = new byte[size];
        heapBuffer = ByteBuffer.allocate(size);
        directBuffer = ByteBuffer.allocateDirect(size);
        arena = Arena.ofConfined();
        segment = arena.allocate(size, 64);
        callState = Libc.newCallState(arena);
        jdk = java.nio.channels.Pipe.open();
        jdkSink = jdk.sink();
        jdkSource = jdk.source();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        pipe.close();
        jdkSink.close();
        jdkSource.close();
        arena.close();
    }

    @Benchmark
    public int byteArray() throws IOException {
        writer.write(array, 0, size);
        return reader.read(array, 0, size);
    }

    @Benchmark
    public long nativeSegment() throws IOException {
        writer.write(segment);
        return reader.read(segment);
    }

    @Benchmark
    public int heapByteBuffer() throws IOException {
        heapBuffer.clear();
        writer.write(heapBuffer);
        heapBuffer.clear();
        return reader.read(heapBuffer);
    }

    @Benchmark
    public int directByteBuffer() throws IOException {
        directBuffer.clear();
        writer.write(directBuffer);
        directBuffer.clear();
        return reader.read(directBuffer);
    }

    /** The downcalls alone: what any FFM binding of read/write costs. */
    @Benchmark
    public long rawLibc() {
        Libc.write(callState, writer.descriptor(), segment, size);
        return Libc.read(callState, reader.descriptor(), segment, size);
    }

    /** java.nio.channels.Pipe with a direct buffer: the JDK's own pipe path. */
    @Benchmark
    public int jdkPipe() throws IOException {
        directBuffer.clear();
        jdkSink.write(directBuffer);
        directBuffer.clear();
        return jdkSource.read(directBuffer);
    }
}
