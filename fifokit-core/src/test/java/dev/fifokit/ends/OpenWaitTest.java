package dev.fifokit.ends;

import dev.fifokit.NoReaderException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenWaitTest {
    @TempDir
    Path dir;

    @Test
    void writerBlocksUntilAReaderOpens() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            CompletableFuture<Void> opened = new CompletableFuture<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
                    opened.complete(null);
                    w.write("hi".getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    opened.completeExceptionally(e);
                }
            });
            Thread.sleep(300);
            assertThat(opened).isNotDone();
            try (FifoReader r = FifoReader.open(fifo.path())) {
                opened.get(5, TimeUnit.SECONDS);
                assertThat(r.inputStream().readAllBytes()).asString().isEqualTo("hi");
            }
            writer.join(5000);
        }
    }

    @Test
    void writerWithNoReaderFailsAtOnceWhenAsked() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            assertThatThrownBy(() -> FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader()))
                    .isInstanceOf(NoReaderException.class)
                    .hasMessageContaining(fifo.path().toString());
        }
    }

    @Test
    void openTimesOutNamingTheMissingSide() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            assertThatThrownBy(() -> FifoWriter.open(fifo.path(), WriterOptions.defaults().timeout(Duration.ofMillis(200))))
                    .isInstanceOf(PeerTimeoutException.class)
                    .hasMessageContaining("no reader");
            assertThatThrownBy(() -> FifoReader.open(fifo.path(), ReaderOptions.defaults().timeout(Duration.ofMillis(200))))
                    .isInstanceOf(PeerTimeoutException.class)
                    .hasMessageContaining("no writer");
        }
    }
}
