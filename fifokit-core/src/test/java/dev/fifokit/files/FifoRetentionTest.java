package dev.fifokit.files;

import dev.fifokit.FifoClosedException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Fifo does not keep the ends opened through it: a closed, dropped end is garbage. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FifoRetentionTest {
    @TempDir
    Path dir;

    @Test
    void aClosedEndIsCollectedWhileItsFifoStaysOpen() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            WeakReference<FifoReader> ref = openAndClose(fifo);
            for (int i = 0; i < 200 && ref.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(ref.get()).as("the closed end was collected").isNull();
            // the Fifo is still usable, and still closes what is open through it
            FifoReader open = fifo.openReader(ReaderOptions.defaults().awaitWriter(false));
            fifo.close();
            assertThat(open.isOpen()).isFalse();
        }
    }

    private static WeakReference<FifoReader> openAndClose(Fifo fifo) throws Exception {
        FifoReader r = fifo.openReader(ReaderOptions.defaults().awaitWriter(false));
        try (FifoWriter w = fifo.openWriter(WriterOptions.defaults().failIfNoReader())) {
            w.write(new byte[] {1});
        }
        r.close();
        return new WeakReference<>(r);
    }

    @Test
    void openingThroughAClosedFifoIsRefused() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("q"));
        fifo.close();
        assertThatThrownBy(() -> fifo.openReader(ReaderOptions.defaults().awaitWriter(false)))
                .isInstanceOf(FifoClosedException.class);
    }
}
