package dev.fifokit.testing;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A tiny program for tests that need another process (another user, a lower descriptor
 * limit): {@code open read|write PATH} or {@code exhaust PATH}. Prints the outcome on stdout.
 */
public final class OpenProbe {
    private OpenProbe() {}

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[1]);
        ReaderOptions o = ReaderOptions.defaults().timeout(Duration.ofSeconds(1)).awaitWriter(false);
        try {
            switch (args[0]) {
                case "read" -> FifoReader.open(path, o).close();
                case "write" -> FifoWriter.open(path, WriterOptions.defaults().timeout(Duration.ofSeconds(1))).close();
                case "exhaust" -> exhaust(path, o);
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.println("OK");
        } catch (Exception e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Opens readers until the descriptor limit, then checks everything is released again. */
    private static void exhaust(Path path, ReaderOptions o) throws Exception {
        var open = new java.util.ArrayList<FifoReader>();
        int before = Processes.openDescriptors();
        try {
            while (true) {
                open.add(FifoReader.open(path, o));
            }
        } catch (dev.fifokit.DescriptorLimitException e) {
            System.out.println("after " + open.size() + " readers: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            for (FifoReader r : open) {
                r.close();
            }
        }
        System.out.println("descriptors before=" + before + " after=" + Processes.openDescriptors());
        FifoReader.open(path, o).close();
    }
}
