package dev.fifokit.ends;

import dev.fifokit.Limits;
import dev.fifokit.PipeCapacityException;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CapacityAndPipesTest {
    @TempDir
    Path dir;

    @Test
    void capacityIsReadSetRoundedAndSharedByBothEnds() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false));
             FifoWriter w = FifoWriter.open(fifo.path())) {
            assertThat(r.capacity()).isEqualTo(Limits.read().defaultCapacity());
            assertThat(w.setCapacity(100_000)).isEqualTo(131_072);
            assertThat(r.capacity()).isEqualTo(131_072);
            w.write(new byte[12345]);
            assertThat(r.available()).isEqualTo(12345);
            assertThatThrownBy(() -> w.setCapacity(4096))
                    .isInstanceOf(PipeCapacityException.class)
                    .hasMessageContaining("queued in the pipe");
        }
    }

    @Test
    void raisingPastPipeMaxSizeIsExplained() throws Exception {
        long max = Limits.pipeMaxSize();
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false))) {
            try {
                int got = r.setCapacity((int) (max * 2));
                // only a process with CAP_SYS_RESOURCE gets here
                assertThat(got).isGreaterThanOrEqualTo((int) (max * 2));
            } catch (PipeCapacityException e) {
                assertThat(e).hasMessageContaining("/proc/sys/fs/pipe-max-size is " + max)
                        .hasMessageContaining(fifo.path().toString());
            }
        }
    }

    @Test
    void anonymousPipeHasTheSameTypesAndEof() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.writer().write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
            pipe.writer().close();
            assertThat(pipe.reader().inputStream().readAllBytes()).asString().isEqualTo("ping");
            assertThat(pipe.reader().path()).isNull();
        }
    }

    @Test
    void spliceMovesBytesBetweenPipesAndIntoAFileUnchanged() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        try (Pipe a = Pipe.open(); Pipe b = Pipe.open()) {
            CompletableFuture<Integer> feed = Background.supply(() -> {
                a.writer().write(data);
                a.writer().close();
                return data.length;
            });
            CompletableFuture<Long> relay = Background.supply(() -> {
                long n = a.reader().transferTo(b.writer(), Long.MAX_VALUE);
                b.writer().close();
                return n;
            });
            Path file = dir.resolve("out.bin");
            long written = b.reader().transferTo(file);
            feed.get(10, TimeUnit.SECONDS);
            assertThat(relay.get(10, TimeUnit.SECONDS)).isEqualTo(data.length);
            assertThat(written).isEqualTo(data.length);
            assertThat(Files.readAllBytes(file)).isEqualTo(data);
        }
    }

    @Test
    void smallWritesAreOneAtomicWriteEvenWhenThePipeIsNearlyFull() throws Exception {
        try (Pipe pipe = Pipe.open(PipeOptions.defaults().nonBlocking())) {
            int cap = pipe.writer().capacity();
            long n = pipe.writer().write(new byte[cap - 100]);
            assertThat(n).isEqualTo(cap - 100);
            // 200 bytes do not fit into 100 free bytes: all or nothing (EAGAIN), never 100
            assertThat(pipe.writer().write(new byte[200])).isZero();
        }
    }
}
