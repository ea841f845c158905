package dev.fifokit.cli;

import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.OpenOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code fifokit write}: standard input to a FIFO (SPEC §9, §12). */
@Command(name = "write", mixinStandardHelpOptions = true,
        description = {"Copy standard input into a FIFO (with splice(2) where the kernel allows).",
                "Waits for a reader (at most -t) unless --no-wait."})
final class WriteCommand implements Callable<Integer> {
    private static final long CHUNK = 1L << 22;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DUR", converter = DurationConverter.class,
            description = "Give up (exit 124) if no reader opens within DUR.")
    Duration timeout;

    @Option(names = "--no-wait", description = "Fail at once (exit 3) when no reader has the FIFO open.")
    boolean noWait;

    @Option(names = "--progress", description = "Show bytes and rate on stderr.")
    boolean progress;

    @Option(names = {"-L", "--dereference"}, description = "Follow a symbolic link at PATH.")
    boolean dereference;

    @Parameters(index = "0", paramLabel = "PATH", description = "The FIFO to write.")
    Path path;

    @Override
    public Integer call() throws IOException {
        OpenOptions options = OpenOptions.defaults();
        if (timeout != null) {
            options = options.timeout(timeout);
        }
        if (noWait) {
            options = options.failIfNoReader();
        }
        if (dereference) {
            options = options.followSymlinks();
        }
        try (FifoWriter out = FifoWriter.open(path, options);
             Progress meter = new Progress(progress, System.err)) {
            long n;
            do {
                n = out.transferFromDescriptor(0, CHUNK);
                meter.add(n);
            } while (n == CHUNK);
        }
        return ExitCodes.OK;
    }
}
