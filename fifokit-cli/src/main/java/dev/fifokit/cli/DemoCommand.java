package dev.fifokit.cli;

import dev.fifokit.FifoException;
import dev.fifokit.Limits;
import dev.fifokit.ends.FifoReadWrite;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReadWriteOptions;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.ends.Pipe;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageTooLargeException;
import dev.fifokit.messages.MessageWriter;
import picocli.CommandLine.Command;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code fifokit demo}: a guided tour of the classic FIFO examples (Stevens' echo programs, the
 * named-FIFO pitfalls), run for real on temporary FIFOs that are removed at the end: a writer
 * blocked until a reader opens, the echo in both framings, PIPE_BUF atomicity with several
 * writers, the keep-alive pitfall, the limits.
 */
@Command(name = "demo", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"A guided tour on temporary FIFOs, cleaned up afterwards.",
                "Blocking opens, the echo in line and mesg framing, PIPE_BUF atomicity with several "
                        + "writers, the keep-alive pitfall, limits."})
final class DemoCommand implements Callable<Integer> {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ReaderOptions WRITER_DEADLINE = ReaderOptions.defaults().timeout(WAIT);
    private static final WriterOptions READER_DEADLINE = WriterOptions.defaults().timeout(WAIT);

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        out.println("fifokit demo: the classic FIFO examples, run for real on temporary FIFOs.");
        try (Fifo fifo = Fifo.createTemp("demo")) {
            step("1. mkfifo", "created " + fifo.path() + " with mode 0" + Integer.toOctalString(fifo.mode())
                    + " (exact: the umask is not applied)");
            writerBlocksUntilReader(fifo);
        }
        try (Fifo fifo = Fifo.createTemp("echo")) {
            echo(fifo, Framing.LINE);
            echo(fifo, Framing.MESG);
        }
        try (Fifo fifo = Fifo.createTemp("atomic")) {
            atomicity(fifo);
        }
        try (Fifo fifo = Fifo.createTemp("keepalive")) {
            keepAlivePitfall(fifo);
        }
        limits();
        out.println();
        out.println("The temporary FIFOs are removed. Try it yourself, in two terminals:");
        out.println("  ./fifokit echo-server --format mesg /tmp/echo.fifo");
        out.println("  ./fifokit echo-client --format mesg /tmp/echo.fifo 'Hello, server'");
        return ExitCodes.OK;
    }

    private void writerBlocksUntilReader(Fifo fifo) throws Exception {
        step("2. a writer with no reader waits (a FIFO cannot be opened for writing until someone reads it)",
                "open for writing... (a plain open(2) would block here, and nothing could cancel it)");
        long start = System.nanoTime();
        CompletableFuture<Long> opened = new CompletableFuture<>();
        Thread writer = Thread.ofPlatform().name("demo-writer").start(() -> {
            try (FifoWriter w = FifoWriter.open(fifo.path(), READER_DEADLINE)) {
                opened.complete(System.nanoTime() - start);
                w.write("Hello from the writer!\n".getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                opened.completeExceptionally(e);
            }
        });
        Thread.sleep(500);
        out.println("   after 500 ms the writer is still waiting: " + !opened.isDone()
                + " (it burns no CPU: it sleeps until inotify reports an open)");
        out.println("   a reader opens: that releases the writer");
        try (FifoReader r = FifoReader.open(fifo.path(), WRITER_DEADLINE)) {
            long waited = opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            out.printf("   the writer's open completed after %d ms%n", TimeUnit.NANOSECONDS.toMillis(waited));
            byte[] data = r.inputStream().readAllBytes();
            out.print("   read: " + new String(data, StandardCharsets.UTF_8));
            out.println("   then -1: every writer closed, which is end of stream");
        }
        writer.join(WAIT.toMillis());
    }

    private void echo(Fifo fifo, Framing framing) throws Exception {
        boolean mesg = framing == Framing.MESG;
        String text = mesg ? "Hello, mymesg!" : "Hello, echo!";
        step(mesg ? "4. the echo with messages, mesg framing (Stevens' struct mymesg, mesg_send/mesg_recv)"
                        : "3. the echo over one FIFO, line framing (Stevens' fork/FIFO echo_server/echo_client)",
                "the client sends \"" + text + "\"; a FIFO is one-way, so the server echoes to its standard output");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
            try (FifoReader end = fifo.openReader(WRITER_DEADLINE);
                 MessageReader in = MessageReader.of(end, framing);
                 MessageWriter stdout = MessageWriter.of(java.nio.channels.Channels.newChannel(printed),
                         Framing.LINE, MessageOptions.defaults().exclusiveWriter())) {
                for (Message m; (m = in.receive()) != null; ) {
                    stdout.send(m);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (FifoWriter end = fifo.openWriter(READER_DEADLINE);
             MessageWriter client = MessageWriter.of(end, framing)) {
            client.send(Message.of(1, text));
        }
        server.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        byte[] wire = wire(framing, text);
        if (mesg) {
            out.println("   on the wire, one write(2) of " + wire.length + " bytes: a 16-byte header, native-endian");
            out.println("     mesg_len  " + HexFormat.ofDelimiter(" ").formatHex(wire, 0, 8) + "  (= " + (wire.length - 16) + ")");
            out.println("     mesg_type " + HexFormat.ofDelimiter(" ").formatHex(wire, 8, 16) + "  (= 1)");
            out.println("     mesg_data \"" + text + "\"");
        } else {
            out.println("   on the wire, one write(2) of " + wire.length + " bytes: the text and '\\n'"
                    + " (a backslash would go as \\\\, a newline inside as \\n)");
        }
        out.print("   the server printed: " + printed.toString(StandardCharsets.UTF_8));
    }

    private static byte[] wire(Framing framing, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        if (framing == Framing.LINE) {
            byte[] b = Arrays.copyOf(t, t.length + 1);
            b[t.length] = '\n';
            return b;
        }
        return ByteBuffer.allocate(16 + t.length).order(ByteOrder.nativeOrder())
                .putLong(t.length).putLong(1).put(t).array();
    }

    private void atomicity(Fifo fifo) throws Exception {
        int writers = 4;
        int count = 2000;
        try (FifoReader end = fifo.openReader(ReaderOptions.defaults().awaitWriter(false));
             MessageReader in = MessageReader.of(end, Framing.MESG)) {
            int max = in.maxPayload();
            step("5. PIPE_BUF atomicity with several writers (a write of at most PIPE_BUF bytes is atomic)",
                    writers + " writers x " + count + " messages of random sizes up to " + max
                            + " bytes (16 + " + max + " = PIPE_BUF), one FIFO, one reader:");
            List<FifoWriter> ends = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                ends.add(fifo.openWriter(READER_DEADLINE));
            }
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int id = i;
                FifoWriter w = ends.get(i);
                sent.add(CompletableFuture.runAsync(() -> send(w, id, count, max, MessageOptions.defaults(), false),
                        r -> Thread.ofPlatform().start(r)));
            }
            Verdict v = verify(in, writers, max, false);
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
            out.println("   " + v.received + " messages arrived, " + (v.problem == null ? "none torn, none lost, every"
                    + " writer's order kept" : "PROBLEM: " + v.problem));
        }
        overPipeBuf(fifo, writers);
    }

    /** The same with frames over PIPE_BUF, written by writers that wrongly claim to be alone. */
    private void overPipeBuf(Fifo fifo, int writers) throws Exception {
        int size = 16_000;
        MessageOptions big = MessageOptions.defaults().maxPayload(size);
        FifoReader end = fifo.openReader(ReaderOptions.defaults().awaitWriter(false));
        try {
            int capacity = end.setCapacity(1); // one page, so that every big write is split
            out.println("   the same with " + size + "-byte messages from " + writers + " writers that each claim to be"
                    + " the only one (exclusiveWriter, a lie), through a pipe of " + capacity + " bytes:");
            MessageReader in = MessageReader.of(end, Framing.MESG, big);
            List<FifoWriter> ends = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                ends.add(fifo.openWriter(READER_DEADLINE));
            }
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int id = i;
                FifoWriter w = ends.get(i);
                sent.add(CompletableFuture.runAsync(() -> send(w, id, 300, size, big.exclusiveWriter(), true),
                        r -> Thread.ofPlatform().start(r)));
            }
            Verdict v = verify(in, writers, size, true);
            end.close(); // unblocks writers still sending into a stream that is garbage now
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]))
                    .handle((ok, e) -> null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            out.println("   " + (v.problem == null ? "no tearing this time, by luck: only writes of at most PIPE_BUF are"
                    + " guaranteed atomic" : "after " + v.received + " good messages: " + v.problem));
        } finally {
            end.close();
        }
        try (Pipe pipe = Pipe.open()) {
            MessageWriter.of(pipe.writer(), Framing.MESG).send(1, new byte[size]);
        } catch (MessageTooLargeException e) {
            out.println("   so a shared writer refuses such a message before writing anything:");
            out.println("   " + e.reason());
        }
    }

    /** Writer {@code id}'s messages: a sequence number, then a pattern only this writer makes. */
    private static void send(FifoWriter end, int id, int count, int max, MessageOptions options, boolean fixedSize) {
        try (MessageWriter w = MessageWriter.of(end, Framing.MESG, options)) {
            SplittableRandom sizes = new SplittableRandom(id);
            byte[] buf = new byte[max];
            for (int seq = 0; seq < count; seq++) {
                int len = fixedSize ? max : sizes.nextInt(8, max + 1);
                fill(buf, id, seq, len);
                w.send(id, buf, 0, len);
            }
        } catch (Exception e) {
            // a reader that gave up on a torn stream closes its end: the writers stop here
        }
    }

    private static void fill(byte[] b, int id, int seq, int len) {
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(0, seq);
        for (int i = 4; i < len; i++) {
            b[i] = (byte) (id * 37 + seq * 7 + i);
        }
    }

    private record Verdict(long received, String problem) {}

    /** Checks every message as {@link #send} made it; stops at the first bad one. */
    private static Verdict verify(MessageReader in, int writers, int max, boolean fixedSize) {
        int[] next = new int[writers];
        SplittableRandom[] sizes = new SplittableRandom[writers];
        for (int i = 0; i < writers; i++) {
            sizes[i] = new SplittableRandom(i);
        }
        byte[] expected = new byte[max];
        long received = 0;
        try {
            for (Message m; (m = in.receive()) != null; received++) {
                int id = (int) m.type();
                if (id < 0 || id >= writers) {
                    return new Verdict(received, "a torn frame: its header says type " + m.type());
                }
                int seq = next[id]++;
                int len = fixedSize ? max : sizes[id].nextInt(8, max + 1);
                fill(expected, id, seq, len);
                if (m.length() != len || !Arrays.equals(m.payload(), 0, len, expected, 0, len)) {
                    return new Verdict(received, "writer " + id + "'s message " + seq
                            + " is torn: it holds another writer's bytes");
                }
            }
        } catch (Exception e) {
            return new Verdict(received, e.getMessage());
        }
        return new Verdict(received, null);
    }

    private void keepAlivePitfall(Fifo fifo) throws Exception {
        step("6. the keep-alive pitfall (why it matters how a FIFO is opened)",
                "an \"unneeded\" O_RDWR open, like Python's os.open(\"my_fifo\", os.O_RDWR), counts as a writer:");
        try (FifoReader reader = fifo.openReader(ReaderOptions.defaults().awaitWriter(false))) {
            CompletableFuture<Integer> eof;
            FifoReadWrite extra = fifo.openReadWrite(ReadWriteOptions.defaults());
            try {
                for (String hello : List.of("Hello 1", "Hello 2")) {
                    try (FifoWriter w = fifo.openWriter(READER_DEADLINE)) {
                        w.write((hello + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
                byte[] buf = new byte[64];
                int n = 0;
                while (n < 16) {
                    n += Math.max(0, reader.read(buf, n, buf.length - n));
                }
                out.println("   two writers came and went; the reader got: "
                        + new String(buf, 0, n, StandardCharsets.UTF_8).strip().replace("\n", " | "));
                eof = CompletableFuture.supplyAsync(() -> {
                    try {
                        return reader.read(buf, 0, buf.length);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, r -> Thread.ofPlatform().start(r));
                Thread.sleep(300);
                out.println("   every writer has closed, yet after 300 ms the reader is still waiting: " + !eof.isDone()
                        + " (cat would never end)");
            } finally {
                extra.close();
            }
            out.println("   the O_RDWR descriptor is closed: the reader's read returns "
                    + eof.get(WAIT.toSeconds(), TimeUnit.SECONDS) + " (end of stream) at once");
        }
        out.println("   and without any reader, the next 'echo \"Hello 2\" > my_fifo' hangs in open;"
                + " fifokit bounds the wait:");
        try {
            fifo.openWriter(WriterOptions.defaults().timeout(Duration.ofMillis(300))).close();
            out.println("   (unexpected: a reader appeared)");
        } catch (FifoException e) {
            out.println("   fifokit write -t 300ms: " + e.getMessage());
        }
        out.println("   a keep-alive reader is explicit in fifokit: ReaderOptions.keepAlive(), or cat --follow");
    }

    private void limits() {
        Limits l = Limits.read();
        step("7. limits (C: pathconf(_PC_PIPE_BUF), sysconf(_SC_OPEN_MAX))", "PIPE_BUF=" + l.pipeBuf()
                + " (writes up to this size are atomic), OPEN_MAX=" + l.openMax() + ", default capacity="
                + l.defaultCapacity() + ", max capacity=" + l.maxCapacity() + ", page=" + l.pageSize());
    }

    private void step(String title, String text) {
        out.println();
        out.println(title);
        out.println("   " + text);
    }
}
