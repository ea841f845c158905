package dev.fifokit.ends;

import dev.fifokit.files.Fifo;
import dev.fifokit.testing.CPeer;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Peers nobody here wrote: the shell, cat(1) and a small C writer built with gcc (write_fifo.c). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeersTest {
    @TempDir
    Path dir;

    private static final ReaderOptions FIVE_SECONDS_FOR_WRITER = ReaderOptions.defaults().timeout(Duration.ofSeconds(5));
    private static final WriterOptions FIVE_SECONDS_FOR_READER = WriterOptions.defaults().timeout(Duration.ofSeconds(5));

    @Test
    void readsWhatAShellEchoWrites() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("my_fifo")); Processes ps = new Processes()) {
            Process echo = ps.sh("echo Hello > '" + fifo.path() + "'");
            try (FifoReader r = FifoReader.open(fifo.path(), FIVE_SECONDS_FOR_WRITER)) {
                assertThat(r.inputStream().readAllBytes()).asString().isEqualTo("Hello\n");
            }
            assertThat(Processes.waitFor(echo, 10)).isZero();
        }
    }

    @Test
    void catReadsWhatWeWrite() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("my_fifo")); Processes ps = new Processes()) {
            Process cat = ps.start("cat", fifo.path().toString());
            Processes.awaitWchan(cat.pid(), 5000, "wait_for_partner");
            try (FifoWriter w = FifoWriter.open(fifo.path(), FIVE_SECONDS_FOR_READER)) {
                w.write("to cat\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(cat.getInputStream().readAllBytes()).asString().isEqualTo("to cat\n");
            assertThat(Processes.waitFor(cat, 10)).isZero();
        }
    }

    @Test
    void readsTheSeminarsCWriterByteExactIncludingItsNul() throws Exception {
        Path exe = CPeer.compile(dir, "write_fifo", CPeer.resource("/c/write_fifo.c"));
        try (Fifo fifo = Fifo.create(dir.resolve("my_fifo")); Processes ps = new Processes()) {
            Process writer = ps.start(exe.toString(), fifo.path().toString());
            Processes.awaitWchan(writer.pid(), 5000, "wait_for_partner");
            try (FifoReader r = FifoReader.open(fifo.path(), FIVE_SECONDS_FOR_WRITER)) {
                byte[] got = r.inputStream().readAllBytes();
                assertThat(got).isEqualTo("Hello from C!\n\0".getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(Processes.waitFor(writer, 10)).isZero();
            assertThat(new String(writer.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("Started", "Opened", "Written", "Closed");
        }
    }
}
