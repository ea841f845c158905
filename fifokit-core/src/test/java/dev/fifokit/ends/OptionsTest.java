package dev.fifokit.ends;

import dev.fifokit.NoReaderException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The options of each end: immutable copies, bad values refused, each end gets what it was given. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OptionsTest {

    @TempDir
    Path dir;

    @Test
    void eachOptionReturnsAChangedCopyAndLeavesTheDefaultsAlone() throws Exception {
        ReaderOptions nonBlocking = ReaderOptions.defaults().io(PipeOptions.defaults().nonBlocking());
        assertThat(nonBlocking).isNotSameAs(ReaderOptions.defaults());
        try (Fifo f = Fifo.create(dir.resolve("copies.fifo"));
             FifoReader plain = f.openReader(ReaderOptions.defaults().awaitWriter(false));
             FifoReader changed = f.openReader(nonBlocking.awaitWriter(false))) {
            assertThat(plain.isNonBlocking()).as("the defaults did not change").isFalse();
            assertThat(changed.isNonBlocking()).isTrue();
        }
    }

    @Test
    void negativeDurationsAndCapacitiesAreRefused() {
        assertThatThrownBy(() -> ReaderOptions.defaults().timeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriterOptions.defaults().timeout(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> PipeOptions.defaults().spin(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PipeOptions.defaults().capacity(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWriterTimeoutEndsTheWaitForAReader() throws Exception {
        try (Fifo f = Fifo.create(dir.resolve("timeout.fifo"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> f.openWriter(WriterOptions.defaults().timeout(Duration.ofMillis(100))))
                    .isInstanceOf(PeerTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            assertThatThrownBy(() -> f.openWriter(WriterOptions.defaults().failIfNoReader()))
                    .isInstanceOf(NoReaderException.class);
        }
    }

    @Test
    void theIoPartOfReaderOptionsReachesTheEnd() throws Exception {
        ReaderOptions o = ReaderOptions.defaults().awaitWriter(false).io(PipeOptions.defaults().nonBlocking());
        assertThat(o.io().isNonBlocking()).isTrue();
        try (Fifo f = Fifo.create(dir.resolve("io.fifo"));
             FifoReader r = f.openReader(o);
             FifoReadWrite rw = f.openReadWrite(ReadWriteOptions.defaults().io(PipeOptions.defaults().nonBlocking()))) {
            assertThat(r.isNonBlocking()).isTrue();
            assertThat(rw.isNonBlocking()).isTrue();
            assertThat(r.read(new byte[8], 0, 8)).as("non-blocking: nothing queued reads as 0").isZero();
        }
    }
}
