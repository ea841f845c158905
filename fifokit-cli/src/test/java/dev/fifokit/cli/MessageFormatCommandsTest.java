package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cat --format} and {@code write --format}: framing on the FIFO, escaped lines on the standard streams. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MessageFormatCommandsTest {
    private static final WriterOptions WAIT = WriterOptions.defaults().timeout(Duration.ofSeconds(30));

    @TempDir
    Path dir;

    static byte[] mesg(long len, long type, byte[] payload) {
        return ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder())
                .putLong(len).putLong(type).put(payload).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void catMesgIntoWriteMesgIsLossless() throws Exception {
        // every byte value, and many backslashes and newlines, in escaped lines
        StringBuilder lines = new StringBuilder();
        lines.append("plain text\n").append("back\\\\slash and new\\nline\n").append("\n");
        for (int i = 0; i < 200; i++) {
            lines.append("message ").append(i).append(" \\\\\\n ").append((char) ('a' + i % 26)).append('\n');
        }
        byte[] input = lines.toString().getBytes(StandardCharsets.UTF_8);
        try (Fifo a = Fifo.create(dir.resolve("a")); Fifo b = Fifo.create(dir.resolve("b"))) {
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                    new ProcessBuilder(CliProcess.command("cat", "--format", "mesg", a.path().toString())),
                    new ProcessBuilder(CliProcess.command("write", "--format", "mesg", b.path().toString()))));
            try (Processes procs = new Processes()) {
                Process reader = procs.start(new ProcessBuilder(CliProcess.command("cat", "--format", "mesg", b.path().toString())));
                CliProcess.Result w = CliProcess.run(input, 60, "write", "--format", "mesg", a.path().toString());
                assertThat(w.exit()).as(w.stderr()).isZero();
                CliProcess.Result r = CliProcess.finish(reader, new byte[0], 60);
                assertThat(r.exit()).as(r.stderr()).isZero();
                assertThat(r.stdout()).isEqualTo(input);
                for (Process p : pipeline) {
                    assertThat(Processes.waitFor(p, 30)).isZero();
                }
            } finally {
                pipeline.forEach(Process::destroyForcibly);
            }
        }
    }

    @Test
    void writeMesgSendsStructMymesgWithTheGivenType() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader in = fifo.openReader(ReaderOptions.defaults().awaitWriter(false))) {
            CliProcess.Result w = CliProcess.run("one\ntwo\\\\\n".getBytes(StandardCharsets.UTF_8), 30,
                    "write", "--format", "mesg", "--type", "7", fifo.path().toString());
            assertThat(w.exit()).as(w.stderr()).isZero();
            byte[] wire = in.inputStream().readAllBytes();
            assertThat(wire).isEqualTo(concat(mesg(3, 7, "one".getBytes(StandardCharsets.US_ASCII)),
                    mesg(4, 7, "two\\".getBytes(StandardCharsets.US_ASCII))));
        }
    }

    @Test
    void writeLineEscapesAndCatLineReadsPlainTextUnchanged() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            try (FifoReader in = fifo.openReader(ReaderOptions.defaults().awaitWriter(false))) {
                CliProcess.Result w = CliProcess.run("a\\\\b\nc\\nd\n".getBytes(StandardCharsets.UTF_8), 30,
                        "write", "--format", "line", fifo.path().toString());
                assertThat(w.exit()).as(w.stderr()).isZero();
                assertThat(in.inputStream().readAllBytes()).asString().isEqualTo("a\\\\b\nc\\nd\n");
            }
            try (Processes procs = new Processes()) {
                Process cat = procs.start(new ProcessBuilder(CliProcess.command("cat", "--format", "line", fifo.path().toString())));
                try (FifoWriter out = fifo.openWriter(WAIT)) {
                    out.write("hello\nC:\\temp\n".getBytes(StandardCharsets.UTF_8));
                }
                CliProcess.Result r = CliProcess.finish(cat, new byte[0], 30);
                assertThat(r.exit()).as(r.stderr()).isZero();
                // a lone backslash reads as itself; printed again, it is escaped
                assertThat(r.out()).isEqualTo("hello\nC:\\\\temp\n");
            }
        }
    }

    /** Runs {@code cat ARGS} on a FIFO into which {@code bytes} are written; small heap. */
    private CliProcess.Result catWithInput(byte[] bytes, String... args) throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("bad.fifo")); Processes procs = new Processes()) {
            List<String> cmd = new ArrayList<>(List.of("cat"));
            cmd.addAll(List.of(args));
            cmd.add(fifo.path().toString());
            List<String> command = new ArrayList<>(CliProcess.command(cmd.toArray(String[]::new)));
            command.add(1, "-Xmx32m");
            Process cat = procs.start(new ProcessBuilder(command));
            try (FifoWriter out = fifo.openWriter(WAIT)) {
                out.write(bytes);
            }
            return CliProcess.finish(cat, new byte[0], 30);
        }
    }

    private static void assertOneLineError(CliProcess.Result r, String contains) {
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains(contains).endsWith("\n").doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("OutOfMemoryError");
        assertThat(r.stderr().lines()).hasSize(1);
    }

    @Test
    void negativeLengthIsExit1WithTheOffsetAfterEveryGoodMessage() throws Exception {
        byte[] hello = mesg(5, 1, "hello".getBytes(StandardCharsets.US_ASCII));
        CliProcess.Result r = catWithInput(concat(hello, hello, mesg(-1, 1, new byte[20])), "--format", "mesg");
        assertThat(r.out()).isEqualTo("hello\nhello\n");
        assertOneLineError(r, "bad.fifo: corrupt frame at byte offset 42: negative length -1");
    }

    @Test
    void lengthTwoToTheFortyIsRefusedWithoutRunningOutOfMemory() throws Exception {
        byte[] hello = mesg(5, 1, "hello".getBytes(StandardCharsets.US_ASCII));
        CliProcess.Result r = catWithInput(concat(hello, mesg(1L << 40, 1, new byte[20])), "--format", "mesg");
        assertThat(r.out()).isEqualTo("hello\n");
        assertOneLineError(r, "corrupt frame at byte offset 21: length 1099511627776 is over the maximum payload");
    }

    @Test
    void truncatedFrameIsExit1() throws Exception {
        byte[] hello = mesg(5, 1, "hello".getBytes(StandardCharsets.US_ASCII));
        CliProcess.Result r = catWithInput(concat(hello, mesg(100, 1, new byte[30])), "--format", "mesg");
        assertThat(r.out()).isEqualTo("hello\n");
        assertOneLineError(r, "truncated message at byte offset 21: end of stream after 30 of 100 payload bytes");
    }

    @Test
    void lineOverTheMaximumIsExit1() throws Exception {
        CliProcess.Result r = catWithInput(("ok\n" + "x".repeat(5000) + "\n").getBytes(StandardCharsets.US_ASCII),
                "--format", "line");
        assertThat(r.out()).isEqualTo("ok\n");
        assertOneLineError(r, "a line at byte offset 3 is longer than the maximum payload of");
    }

    @Test
    void writeRefusesAMessageOverPipeBufOnASharedFifoAfterDeliveringTheOthers() throws Exception {
        String input = "first\n" + "y".repeat(5000) + "\nnever\n";
        try (Fifo fifo = Fifo.create(dir.resolve("p"));
             FifoReader end = fifo.openReader(ReaderOptions.defaults().awaitWriter(false));
             MessageReader in = MessageReader.of(end, Framing.MESG, MessageOptions.defaults().maxPayload(10_000))) {
            CompletableFuture<List<Message>> got = CompletableFuture.supplyAsync(() -> readAll(in));
            CliProcess.Result w = CliProcess.run(input.getBytes(StandardCharsets.US_ASCII), 30,
                    "write", "--format", "mesg", fifo.path().toString());
            assertOneLineError(w, "standard input is longer than the maximum payload of");
            assertThat(w.stderr()).contains("--exclusive");
            assertThat(got.get(30, TimeUnit.SECONDS)).containsExactly(Message.of(1, "first"));
        }
        try (Fifo fifo = Fifo.create(dir.resolve("q"));
             FifoReader end = fifo.openReader(ReaderOptions.defaults().awaitWriter(false));
             MessageReader in = MessageReader.of(end, Framing.MESG, MessageOptions.defaults().maxPayload(10_000))) {
            CompletableFuture<List<Message>> got = CompletableFuture.supplyAsync(() -> readAll(in));
            CliProcess.Result w = CliProcess.run(input.getBytes(StandardCharsets.US_ASCII), 30,
                    "write", "--format", "mesg", "--exclusive", fifo.path().toString());
            assertThat(w.exit()).as(w.stderr()).isZero();
            assertThat(got.get(30, TimeUnit.SECONDS)).extracting(Message::text)
                    .containsExactly("first", "y".repeat(5000), "never");
        }
    }

    private static List<Message> readAll(MessageReader in) {
        List<Message> out = new ArrayList<>();
        try {
            for (Message m; (m = in.receive()) != null; ) {
                out.add(m);
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return out;
    }

    @Test
    void formatOptionsAreCheckedAsUsage() throws Exception {
        String p = dir.resolve("nowhere").toString();
        assertThat(CliProcess.run(30, "write", "--type", "3", p).exit()).isEqualTo(2);
        assertThat(CliProcess.run(30, "write", "--exclusive", p).exit()).isEqualTo(2);
        CliProcess.Result r = CliProcess.run(30, "cat", "--format", "json", p);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("unknown format 'json' (expected raw, line or mesg)");
    }

    @Test
    void demoIsAGuidedTourOfTheClassicFifoExamples() throws Exception {
        CliProcess.Result r = CliProcess.run(120, "demo");
        assertThat(r.exit()).as(r.stderr()).isZero();
        // the tour speaks in its own words: no section numbers of documents a user has not seen
        assertThat(r.out()).doesNotContain("§")
                .contains("fifokit demo: the classic FIFO examples")
                .contains("the writer's open completed after")
                .contains("the server printed: Hello, echo!")
                .contains("the server printed: Hello, mymesg!")
                .contains("none torn, none lost")
                .contains("still waiting: true")
                .contains("returns -1 (end of stream)")
                .contains("PIPE_BUF=");
    }
}
