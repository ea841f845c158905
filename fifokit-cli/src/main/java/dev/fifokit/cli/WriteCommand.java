package dev.fifokit.cli;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.PipeOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.ends.Pipe;
import dev.fifokit.ends.StandardStreams;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code fifokit write}: standard input to a FIFO. */
@Command(name = "write", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Copy standard input into a FIFO.",
                "Waits for a reader (at most -t) unless --no-wait.",
                "Raw copies use splice(2) where the kernel allows, and raise the capacity of the FIFO and of a "
                        + "standard input pipe to /proc/sys/fs/pipe-max-size.",
                "With --format line or mesg, each line of standard input (\\\\ and \\n unescaped) becomes one "
                        + "message, written with one atomic write(2), so several writers may share the FIFO."})
final class WriteCommand implements Callable<Integer> {
    private static final long CHUNK = 1L << 22;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DUR", converter = DurationConverter.class,
            description = "Give up (exit 124) if no reader opens within DUR.")
    Duration timeout;

    @Option(names = "--no-wait", description = "Fail at once (exit 3) when no reader has the FIFO open.")
    boolean noWait;

    @Option(names = "--format", paramLabel = "FORMAT", converter = StreamFormat.Converter.class,
            completionCandidates = StreamFormat.Names.class, defaultValue = "raw",
            description = "The FIFO's framing: raw (bytes unchanged, default), line or mesg.")
    StreamFormat format;

    @Option(names = "--type", paramLabel = "N",
            description = "mesg_type of every message with --format mesg (default 1).")
    Long type;

    @Option(names = "--exclusive",
            description = "Declare this the FIFO's only writer: messages over PIPE_BUF are allowed (not atomic).")
    boolean exclusive;

    @Option(names = "--max-payload", paramLabel = "BYTES",
            description = "Largest message with --format line|mesg (default PIPE_BUF - 16; no limit with --exclusive).")
    Integer maxPayload;

    @Option(names = "--progress", description = "Show bytes and rate on stderr.")
    boolean progress;

    @Option(names = {"-L", "--dereference"}, description = "Follow a symbolic link at PATH (/dev/fd/N and /proc/PID/fd/N always are).")
    boolean dereference;

    @Parameters(index = "0", paramLabel = "PATH", description = {"The FIFO to write.", Endpoints.HELP})
    Path path;

    @Override
    public Integer call() throws IOException, CliException {
        if (type != null && format != StreamFormat.MESG) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--type needs --format mesg");
        }
        if ((exclusive || maxPayload != null) && format == StreamFormat.RAW) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--exclusive and --max-payload need --format line or mesg");
        }
        WriterOptions options = WriterOptions.defaults();
        if (timeout != null) {
            options = options.timeout(timeout);
        }
        if (noWait) {
            options = options.failIfNoReader();
        }
        if (PathArgs.follow(path, dereference)) {
            options = options.followSymlinks();
        }
        if (format == StreamFormat.RAW) {
            // perf: raw bytes move with splice(2); with pipe-max-size capacities (best effort) on
            // the FIFO and on a standard input pipe, each side sleeps and wakes ~16x less often
            options = options.io(PipeOptions.defaults().maxCapacity());
            Pipe.raiseCapacity(0);
        }
        try (FifoWriter out = Endpoints.writer(path, options);
             Progress meter = new Progress(progress, System.err)) {
            if (format.framing() != null) {
                messages(out, format.framing(), meter);
                return ExitCodes.OK;
            }
            long n;
            try {
                do {
                    n = out.transferFromDescriptor(0, CHUNK);
                    meter.add(n);
                } while (n == CHUNK);
            } catch (BrokenPipeException e) {
                throw brokenPipe(e, meter.total() + e.bytesWritten());
            }
        }
        return ExitCodes.OK;
    }

    /**
     * The reader went away: said with the bytes written in all (the library's exception counts
     * those of the one transfer that failed, a part of the whole).
     */
    private CliException brokenPipe(BrokenPipeException e, long total) {
        return new CliException(e.path() + ": reader went away (broken pipe)"
                + (total > 0 ? " after " + total + " bytes" : ""), ExitCodes.BROKEN_PIPE, e);
    }

    private void messages(FifoWriter end, Framing framing, Progress meter) throws IOException {
        MessageOptions writeOptions = MessageOptions.defaults().batching(true);
        if (exclusive) {
            writeOptions = writeOptions.exclusiveWriter();
        }
        if (maxPayload != null) {
            writeOptions = writeOptions.maxPayload(maxPayload);
        }
        MessageWriter out = MessageWriter.of(end, framing, writeOptions);
        MessageReader in = MessageReader.of(StandardStreams.input(), Framing.LINE, MessageOptions.defaults()
                .maxPayload(out.maxPayload()).acceptUnterminatedLine().name(StandardStreams.INPUT_NAME));
        try {
            MessagePump.copy(in, out, type != null ? type : Framing.LINE_TYPE, meter);
        } catch (IOException e) {
            throw MessagePump.explain(e, path, exclusive);
        }
    }
}
