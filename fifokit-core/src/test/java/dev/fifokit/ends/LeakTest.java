package dev.fifokit.ends;

import dev.fifokit.NoReaderException;
import dev.fifokit.NoSuchFifoException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.OpenProbe;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** No descriptor leaks, on the happy path and the failing ones. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeakTest {
    @TempDir
    Path dir;

    @Test
    void tenThousandOpenCloseCyclesLeaveTheDescriptorCountUnchanged() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            // warm up lazily created descriptors (poller, inotify) before counting
            FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false)).close();
            var before = Processes.descriptorKinds();
            for (int i = 0; i < 10_000; i++) {
                try (FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false));
                     FifoWriter w = FifoWriter.open(fifo.path())) {
                    if (i % 1000 == 0) {
                        w.write(new byte[] {1});
                        assertThat(r.read(new byte[1], 0, 1)).isEqualTo(1);
                    }
                }
            }
            assertThat(Processes.descriptorKinds()).isEqualTo(before);
        }
    }

    @Test
    void failedOpensLeakNothing() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            Path file = Files.writeString(dir.resolve("f"), "x");
            FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false)).close();
            var before = Processes.descriptorKinds();
            for (int i = 0; i < 200; i++) {
                assertThatThrownBy(() -> FifoWriter.open(fifo.path(), WriterOptions.defaults().failIfNoReader()))
                        .isInstanceOf(NoReaderException.class);
                assertThatThrownBy(() -> FifoReader.open(dir.resolve("missing")))
                        .isInstanceOf(NoSuchFifoException.class);
                assertThatThrownBy(() -> FifoReader.open(file)).isInstanceOf(dev.fifokit.NotAFifoException.class);
            }
            assertThatThrownBy(() -> FifoWriter.open(fifo.path(), WriterOptions.defaults().timeout(Duration.ofMillis(50))))
                    .isInstanceOf(PeerTimeoutException.class);
            assertThatThrownBy(() -> FifoReader.open(fifo.path(), ReaderOptions.defaults().timeout(Duration.ofMillis(50))))
                    .isInstanceOf(PeerTimeoutException.class);
            assertThat(Processes.descriptorKinds()).isEqualTo(before);
        }
    }

    @Test
    void descriptorExhaustionGivesAClearErrorAndRecovers() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            String script = "ulimit -n 256 && exec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '" + cp + "' "
                    + OpenProbe.class.getName() + " exhaust '" + fifo.path() + "'";
            Process p = ps.start(new ProcessBuilder("bash", "-c", script).redirectErrorStream(true));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(Processes.waitFor(p, 60)).isZero();
            assertThat(out).contains("DescriptorLimitException: " + fifo.path() + ": too many open files")
                    .contains("limit of 256 descriptors")
                    .endsWith("OK\n");
            String counts = out.lines().filter(l -> l.startsWith("descriptors")).findFirst().orElseThrow();
            String[] parts = counts.replace("descriptors before=", "").split(" after=");
            assertThat(parts[1]).isEqualTo(parts[0]);
        }
        assertThat(new File(dir.toFile(), "p")).doesNotExist();
    }
}
