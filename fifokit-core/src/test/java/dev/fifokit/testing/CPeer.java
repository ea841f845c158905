package dev.fifokit.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * C peers for interop tests: compiles C source with gcc -O2 into a directory the test owns
 * and returns the binary. Fails the test with gcc's output when compilation fails.
 */
public final class CPeer {
    private CPeer() {}

    /** Compiles {@code source} as {@code name}.c into {@code dir}; returns the executable. */
    public static Path compile(Path dir, String name, String source) throws IOException, InterruptedException {
        Path c = dir.resolve(name + ".c");
        Path exe = dir.resolve(name);
        Files.writeString(c, source, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-o", exe.toString(), c.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("gcc timed out compiling " + name);
        }
        Processes.closeStreams(p);
        if (p.exitValue() != 0) {
            throw new AssertionError("gcc failed for " + name + ":\n" + out);
        }
        return exe;
    }

    /** Loads a C source shipped as a test resource (e.g. "/c/write_fifo.c"). */
    public static String resource(String name) throws IOException {
        try (var in = CPeer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
