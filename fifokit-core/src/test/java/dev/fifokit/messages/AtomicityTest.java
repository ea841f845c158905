package dev.fifokit.messages;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * PIPE_BUF atomicity, for real: 8 writer processes share one FIFO and send 10 000 mesg
 * messages each, of random sizes up to the maximum payload, half of them one send per message and
 * half in batches; one reader gets every message whole, none torn, none lost, each writer's
 * messages in order.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AtomicityTest {
    private static final int WRITERS = 8;
    private static final int COUNT = 10_000;

    @TempDir
    Path dir;

    @Test
    void eightWritersTimesTenThousandMessagesArriveWholeAndInOrder() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("shared.fifo"));
             FifoReader end = fifo.openReader(ReaderOptions.defaults().awaitWriter(false));
             MessageReader in = MessageReader.of(end, Framing.MESG);
             Processes procs = new Processes()) {
            List<Process> writers = new ArrayList<>();
            for (int id = 0; id < WRITERS; id++) {
                writers.add(procs.start(new ProcessBuilder(javaCommand(fifo.path(), id)).redirectError(
                        dir.resolve("writer-" + id + ".err").toFile())));
            }
            for (Process p : writers) {
                String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertThat(line).as("writer %d started", p.pid()).isEqualTo("ready");
            }
            for (Process p : writers) { // all at once, so the writes really race
                OutputStream go = p.getOutputStream();
                go.write('\n');
                go.flush();
            }

            int max = in.maxPayload();
            SplittableRandom[] sizes = new SplittableRandom[WRITERS];
            int[] next = new int[WRITERS];
            for (int id = 0; id < WRITERS; id++) {
                sizes[id] = new SplittableRandom(seed(id));
            }
            byte[] expected = new byte[max];
            long total = 0;
            for (Message m; (m = in.receive()) != null; total++) {
                int id = (int) m.type();
                if (id < 0 || id >= WRITERS) {
                    fail("message %d has type %d: torn or foreign frame", total, m.type());
                }
                int seq = next[id]++;
                int len = sizes[id].nextInt(8, max + 1);
                AtomicityWriter.fill(expected, id, seq, len);
                if (m.length() != len || !Arrays.equals(m.payload(), 0, len, expected, 0, len)) {
                    fail("writer %d message %d (stream message %d) is torn, lost or out of order: %s",
                            id, seq, total, m);
                }
            }
            for (int id = 0; id < WRITERS; id++) {
                assertThat(Processes.waitFor(writers.get(id), 60)).as("writer %d exit status", id).isZero();
            }
            assertThat(next).containsOnly(COUNT);
            assertThat(total).isEqualTo((long) WRITERS * COUNT);
        }
    }

    private static long seed(int id) {
        return 0x5EED_0000L + id;
    }

    private static List<String> javaCommand(Path fifo, int id) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), AtomicityWriter.class.getName(),
                fifo.toString(), Integer.toString(id), Integer.toString(COUNT), Long.toString(seed(id)));
    }
}
