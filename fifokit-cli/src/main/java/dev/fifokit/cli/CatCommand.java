package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.OpenOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code fifokit cat}: FIFO to standard output (SPEC §9, §12). */
@Command(name = "cat", mixinStandardHelpOptions = true,
        description = {"Copy a FIFO to standard output (with splice(2) where the kernel allows).",
                "Waits for a writer (at most -t), then copies until every writer has closed."})
final class CatCommand implements Callable<Integer> {
    private static final long CHUNK = 1L << 22;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DUR", converter = DurationConverter.class,
            description = "Give up (exit 124) if no writer opens within DUR (500ms, 5s, 2m).")
    Duration timeout;

    @Option(names = "--follow", description = "Keep reading as writers come and go (never ends by itself).")
    boolean follow;

    @Option(names = "--progress", description = "Show bytes and rate on stderr.")
    boolean progress;

    @Option(names = {"-L", "--dereference"}, description = "Follow a symbolic link at PATH.")
    boolean dereference;

    @Parameters(index = "0", paramLabel = "PATH", description = "The FIFO to read.")
    Path path;

    @Override
    public Integer call() throws IOException {
        OpenOptions options = OpenOptions.defaults();
        if (timeout != null) {
            options = options.timeout(timeout);
        }
        if (dereference) {
            options = options.followSymlinks();
        }
        try (FifoReader in = FifoReader.open(path, options);
             Progress meter = new Progress(progress, System.err)) {
            while (true) {
                long n;
                do {
                    n = in.transferToDescriptor(1, CHUNK);
                    meter.add(n);
                } while (n == CHUNK);
                if (!follow) {
                    return ExitCodes.OK;
                }
                in.awaitNextWriter(null);
            }
        }
    }
}
