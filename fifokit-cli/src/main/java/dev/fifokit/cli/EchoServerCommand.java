package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.StandardStreams;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code fifokit echo-server}: Stevens' echo server over one FIFO (UNIX Network Programming
 * vol. 2 ch. 4; see docs/messages.md). As in the book, a FIFO carries data one way only, so
 * the server answers by printing: each message it receives is printed on standard output as
 * one line (escaped as in {@code line}: plain text prints exactly as Stevens' C server prints it).
 */
@Command(name = "echo-server", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Print each message received on a FIFO as one line: the classic FIFO echo server.",
                "Creates PATH (mode 0600) if it does not exist, and removes it on exit if it created it.",
                "A FIFO is one-way, so the echo goes to standard output, as the classic C echo server's does.",
                "Without --once it serves client after client until stopped: Ctrl-C or SIGTERM end it with exit "
                        + "status 0.",
                "A bad message (a last line without a newline, a cut or corrupt mesg frame) is reported on "
                        + "standard error with the bytes that arrived, and serving goes on."})
final class EchoServerCommand implements Callable<Integer> {
    @Option(names = "--format", paramLabel = "FORMAT", converter = StreamFormat.FramingConverter.class,
            completionCandidates = StreamFormat.FramingNames.class, defaultValue = "line",
            description = "line (default: one message per line, as echo and cat write) or mesg (struct mymesg).")
    Framing format;

    @Option(names = "--once", description = "Exit when the first client has closed the FIFO.")
    boolean once;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DUR", converter = DurationConverter.class,
            description = "Give up (exit 124) if no client opens the FIFO within DUR.")
    Duration timeout;

    @Option(names = "--max-payload", paramLabel = "BYTES",
            description = "Largest message accepted (default PIPE_BUF - 16).")
    Integer maxPayload;

    @Option(names = {"-L", "--dereference"}, description = "Follow a symbolic link at PATH (/dev/fd/N and /proc/PID/fd/N always are).")
    boolean dereference;

    @Parameters(index = "0", paramLabel = "PATH", description = {"The FIFO to serve.", Endpoints.HELP})
    Path path;

    /** How long a signal waits for what was received to be printed before exiting. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private volatile boolean stopping;
    /** The end being read, for a signal to close (a FIFO given as fd:N has no {@link Fifo} to close). */
    private volatile FifoReader reading;
    /** The FIFO this command made or named, for a signal to close (and so remove, when made here). */
    private volatile Fifo made;

    @Override
    public Integer call() throws IOException {
        // Ctrl-C / SIGTERM: stop serving, remove the FIFO we created, print what was received,
        // and exit 0 (as serve and bridge do); a signal otherwise ends a JVM with 130 or 143.
        // Registered before the FIFO is made: once it exists, a signal is handled so.
        CountDownLatch finished = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            stopping = true;
            closeQuietly(reading);
            closeQuietly(made);
            try {
                finished.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS); // its output flushed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "fifokit-echo-server-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            // fd:N and listen:NAME: the FIFO is someone else's, neither created nor removed here
            made = Endpoints.isDescriptor(path) ? null
                    : PathArgs.follow(path, dereference) && Files.isSymbolicLink(path) ? Fifo.existing(path, true)
                    : Fifo.createOrReuse(path, 0600);
            if (stopping) {
                closeQuietly(made); // the signal came while it was being made
                return ExitCodes.OK;
            }
            return serve(made);
        } catch (IOException e) {
            if (stopping) {
                // stopped by a signal: the hook closed (or removed) the FIFO under us, whatever
                // the call it was in makes of that
                return ExitCodes.OK;
            }
            throw e;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException signalled) {
                // a signal is stopping us: the hook exits 0
            }
        }
    }

    private int serve(Fifo fifo) throws IOException {
        try (fifo;
             FifoReader end = fifo != null ? fifo.openReader(openOptions()) : Endpoints.reader(path, openOptions());
             MessageWriter out = MessageWriter.of(StandardStreams.output(), Framing.LINE,
                     MessageOptions.defaults().exclusiveWriter().batching(true))) {
            reading = end;
            if (stopping) {
                return ExitCodes.OK; // the signal came while it was being opened
            }
            MessageReader in = MessageReader.of(end, format,
                    maxPayload != null ? MessageOptions.defaults().maxPayload(maxPayload) : MessageOptions.defaults());
            Progress none = new Progress(false, System.err);
            while (true) {
                MessagePump.copyReporting(in, out, null, none, System.err);
                if (once || end.path() == null) {
                    return ExitCodes.OK; // an anonymous pipe (fd:N) has no next writer
                }
                end.awaitNextWriter(null);
            }
        }
    }

    private ReaderOptions openOptions() {
        return timeout != null ? ReaderOptions.defaults().timeout(timeout) : ReaderOptions.defaults();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // exiting anyway
        }
    }
}
