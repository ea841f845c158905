package dev.fifokit.cli;

import dev.fifokit.NoSuchFifoException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.StandardStreams;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fifokit echo-client}: Stevens' echo client (see docs/messages.md). Waits for the server (for
 * PATH to exist and for a reader to open it), then sends each MESSAGE, or each line of
 * standard input, as one message: in {@code mesg} one {@code struct mymesg} of type 1, in
 * {@code line} one line; each in one atomic write(2).
 */
@Command(name = "echo-client", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Send each MESSAGE, or each line of standard input, to an echo server.",
                "Waits until PATH exists and a reader opens it (at most -t).",
                "--format mesg sends struct mymesg messages of type 1; each message is one atomic write."})
final class EchoClientCommand implements Callable<Integer> {
    private static final long RETRY_MILLIS = 20;

    @Option(names = "--format", paramLabel = "FORMAT", converter = StreamFormat.FramingConverter.class,
            completionCandidates = StreamFormat.FramingNames.class, defaultValue = "line",
            description = "line (default) or mesg (struct mymesg, mesg_type 1).")
    Framing format;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DUR", converter = DurationConverter.class,
            description = "Give up (exit 124) if the server is not there within DUR.")
    Duration timeout;

    @Option(names = {"-L", "--dereference"}, description = "Follow a symbolic link at PATH (/dev/fd/N and /proc/PID/fd/N always are).")
    boolean dereference;

    @Parameters(index = "0", paramLabel = "PATH", description = "The server's FIFO.")
    Path path;

    @Parameters(index = "1..*", paramLabel = "MESSAGE",
            description = "Messages to send; without any, each line of standard input (\\\\ and \\n unescaped).")
    List<String> messages;

    @Override
    public Integer call() throws IOException, InterruptedException {
        try (FifoWriter end = openWhenThere();
             MessageWriter out = MessageWriter.of(end, format, MessageOptions.defaults().batching(true))) {
            if (messages != null && !messages.isEmpty()) {
                for (String m : messages) {
                    out.send(Framing.LINE_TYPE, m.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                return ExitCodes.OK;
            }
            MessageReader in = MessageReader.of(StandardStreams.input(), Framing.LINE, MessageOptions.defaults()
                    .maxPayload(out.maxPayload()).acceptUnterminatedLine().name(StandardStreams.INPUT_NAME));
            try {
                MessagePump.copy(in, out, Framing.LINE_TYPE, new Progress(false, System.err));
            } catch (IOException e) {
                throw MessagePump.explain(e, path, false);
            }
        }
        return ExitCodes.OK;
    }

    /** Opens the FIFO for writing once the server has created it and opened it for reading. */
    private FifoWriter openWhenThere() throws IOException, InterruptedException {
        long start = System.nanoTime();
        while (true) {
            WriterOptions options = PathArgs.follow(path, dereference) ? WriterOptions.defaults().followSymlinks() : WriterOptions.defaults();
            if (timeout != null) {
                Duration left = timeout.minusNanos(System.nanoTime() - start);
                options = options.timeout(left.isNegative() ? Duration.ZERO : left);
            }
            try {
                return FifoWriter.open(path, options);
            } catch (NoSuchFifoException e) {
                if (timeout != null && System.nanoTime() - start >= timeout.toNanos()) {
                    throw new PeerTimeoutException(path, PeerTimeoutException.Side.READER, timeout);
                }
                Thread.sleep(RETRY_MILLIS);
            }
        }
    }
}
