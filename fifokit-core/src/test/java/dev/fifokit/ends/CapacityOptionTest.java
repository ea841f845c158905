package dev.fifokit.ends;

import dev.fifokit.Limits;
import dev.fifokit.PipeCapacityException;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The capacity options of {@link PipeOptions}, and large blocking writes that fill the pipe. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CapacityOptionTest {

    @TempDir
    Path dir;

    @Test
    void capacityOptionSetsThePipeCapacityAtOpen() throws Exception {
        try (Pipe pipe = Pipe.open(PipeOptions.defaults().capacity(200_000))) {
            // the kernel rounds up to a power-of-two number of pages
            assertThat(pipe.writer().capacity()).isEqualTo(262_144);
            assertThat(pipe.reader().capacity()).isEqualTo(262_144);
        }
    }

    @Test
    void maxCapacityRaisesAFifoToPipeMaxSize() throws Exception {
        long max = Limits.pipeMaxSize();
        assumeThat(max).isBetween(65_536L, (long) Integer.MAX_VALUE);
        Path p = dir.resolve("big.fifo");
        try (Fifo f = Fifo.create(p);
             FifoReader r = f.openReader(ReaderOptions.defaults().awaitWriter(false).io(PipeOptions.defaults().maxCapacity()));
             FifoWriter w = f.openWriter(WriterOptions.defaults())) {
            assertThat(r.capacity()).isEqualTo((int) max);
            assertThat(w.capacity()).as("the capacity belongs to the pipe").isEqualTo((int) max);
        }
    }

    @Test
    void capacityAbovePipeMaxSizeIsRefusedWithTheLimitInTheMessage() throws Exception {
        long max = Limits.pipeMaxSize();
        assumeThat(max).isBetween(65_536L, (long) Integer.MAX_VALUE / 4);
        int tooBig = (int) max * 4;
        try (Pipe probe = Pipe.open()) {
            boolean privileged;
            try {
                probe.writer().setCapacity(tooBig);
                privileged = true;
            } catch (PipeCapacityException e) {
                privileged = false;
            }
            assumeThat(privileged).as("running with CAP_SYS_RESOURCE").isFalse();
        }
        assertThatThrownBy(() -> Pipe.open(PipeOptions.defaults().capacity(tooBig)))
                .isInstanceOf(PipeCapacityException.class)
                .hasMessageContaining("pipe-max-size");
    }

    @Test
    void raiseCapacityGivesARawPipeDescriptorPipeMaxSize() throws Exception {
        long max = Limits.pipeMaxSize();
        assumeThat(max).isBetween(65_536L, (long) Integer.MAX_VALUE);
        try (Pipe pipe = Pipe.open()) {
            assertThat(Pipe.raiseCapacity(pipe.writer().descriptor())).isEqualTo((int) max);
            assertThat(pipe.reader().capacity()).isEqualTo((int) max);
        }
    }

    @Test
    void raiseCapacityOfSomethingThatIsNotAPipeIsMinusOne() {
        assertThat(Pipe.raiseCapacity(-1)).isEqualTo(-1);
        assertThat(Pipe.raiseCapacity(1_000_000)).isEqualTo(-1);
    }

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> PipeOptions.defaults().capacity(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWriteLargerThanThePipeArrivesWholeAndInOrder() throws Exception {
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >> 12));
        }
        byte[] got = new byte[data.length];
        try (Pipe pipe = Pipe.open()) {
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    int done = 0;
                    byte[] small = new byte[1000];
                    while (done < got.length) {
                        int n = pipe.reader().read(small, 0, Math.min(small.length, got.length - done));
                        System.arraycopy(small, 0, got, done, n);
                        done += n;
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            // 16 times the default capacity: the write fills the pipe and waits many times
            assertThat(pipe.writer().write(data)).isEqualTo(data.length);
            reader.join(30_000);
            assertThat(reader.isAlive()).isFalse();
        }
        assertThat(Arrays.equals(got, data)).isTrue();
    }
}
