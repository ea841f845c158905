package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.PipeOptions;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.Pipe;
import dev.fifokit.ends.StandardStreams;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code fifokit cat}: FIFO to standard output. */
final class CatCommand implements Callable<Integer> {
    private static final long CHUNK = 1L << 22;

    Duration timeout;
    boolean follow;
    StreamFormat format;
    Integer maxPayload;
    boolean progress;
    boolean dereference;
    Path path;

    /** The model of a new {@code cat} (built in code: see {@link Models}). */
    static CommandSpec spec() {
        CatCommand c = new CatCommand();
        CommandSpec spec = Models.command(c, "cat",
                new String[] {"Copy a FIFO to standard output.",
                        "Waits for a writer (at most -t), then copies until every writer has closed; with --follow it "
                                + "keeps reading as writers come and go.",
                        "Raw copies use splice(2) where the kernel allows, and raise the capacity of the FIFO and of a "
                                + "standard output pipe to /proc/sys/fs/pipe-max-size.",
                        "With --format line or mesg, each message is printed as one line, a backslash as \\\\ and a "
                                + "newline as \\n, so 'cat --format mesg a | write --format mesg b' is lossless. With "
                                + "--follow, a writer's cut or corrupt last message is reported on standard error and "
                                + "reading goes on."},
                new String[0]);
        spec.addOption(Models.option(Duration.class, v -> c.timeout = v, "DUR",
                        "Give up (exit 124) if no writer opens within DUR (500ms, 5s, 2m).", "-t", "--timeout")
                .converters(new DurationConverter()).build());
        spec.addOption(Models.flag(v -> c.follow = v,
                "Keep reading as writers come and go (never ends by itself).", "--follow"));
        spec.addOption(Models.option(StreamFormat.class, v -> c.format = v, "FORMAT",
                        "The FIFO's framing: raw (bytes unchanged, default), line or mesg.", "--format")
                .converters(new StreamFormat.Converter()).completionCandidates(new StreamFormat.Names())
                .defaultValue("raw").build());
        spec.addOption(Models.option(Integer.class, v -> c.maxPayload = v, "BYTES",
                "Largest message accepted with --format line|mesg (default PIPE_BUF - 16).", "--max-payload").build());
        spec.addOption(Models.flag(v -> c.progress = v, "Show bytes and rate on stderr.", "--progress"));
        spec.addOption(Models.flag(v -> c.dereference = v,
                "Follow a symbolic link at PATH (/dev/fd/N and /proc/PID/fd/N always are).", "-L", "--dereference"));
        spec.addPositional(Models.positional(0, Path.class, v -> c.path = v, "PATH",
                "The FIFO to read.", Endpoints.HELP).required(true).build());
        return Models.withHelp(spec);
    }

    @Override
    public Integer call() throws IOException {
        ReaderOptions options = ReaderOptions.defaults();
        if (timeout != null) {
            options = options.timeout(timeout);
        }
        if (PathArgs.follow(path, dereference)) {
            options = options.followSymlinks();
        }
        if (format == StreamFormat.RAW) {
            // perf: raw bytes move with splice(2); with pipe-max-size capacities (best effort) on
            // the FIFO and on a standard output pipe, each side sleeps and wakes ~16x less often
            options = options.io(PipeOptions.defaults().maxCapacity());
            Pipe.raiseCapacity(1);
        }
        try (FifoReader in = Endpoints.reader(path, options);
             Progress meter = new Progress(progress, System.err)) {
            if (format.framing() != null) {
                return messages(in, format.framing(), meter);
            }
            while (true) {
                long n;
                do {
                    n = in.transferToDescriptor(1, CHUNK);
                    meter.add(n);
                } while (n == CHUNK);
                if (!follow || in.path() == null) {
                    return ExitCodes.OK; // an anonymous pipe (fd:N) has no next writer
                }
                in.awaitNextWriter(null);
            }
        }
    }

    private int messages(FifoReader end, Framing framing, Progress meter) throws IOException {
        MessageOptions readOptions = maxPayload != null
                ? MessageOptions.defaults().maxPayload(maxPayload) : MessageOptions.defaults();
        MessageReader in = MessageReader.of(end, framing, readOptions);
        try (MessageWriter out = MessageWriter.of(StandardStreams.output(), Framing.LINE,
                MessageOptions.defaults().exclusiveWriter().batching(true))) {
            while (true) {
                if (follow) {
                    // one writer's bad last message must not end a reader that outlives writers
                    MessagePump.copyReporting(in, out, null, meter, System.err);
                } else {
                    MessagePump.copy(in, out, null, meter);
                }
                if (!follow || end.path() == null) {
                    return ExitCodes.OK; // an anonymous pipe (fd:N) has no next writer
                }
                end.awaitNextWriter(null);
            }
        }
    }
}
