package dev.fifokit.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code fifokit} as a real child process (a JVM on the test class path, with native
 * access), the way a shell would: real stdin, stdout, stderr and exit code.
 */
public final class CliProcess {
    private CliProcess() {}

    /** What a finished run printed and returned. */
    public record Result(int exit, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** The command line that starts fifokit with {@code args}. */
    public static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        // as the launcher does: the JVM's warnings never mix into a command's output
        cmd.add("-Xlog:disable");
        cmd.add("-Xlog:all=warning:stderr");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts fifokit; the caller owns the process (destroy it in a finally or via Processes). */
    public static Process start(String... args) throws IOException {
        return new ProcessBuilder(command(args)).start();
    }

    /** Runs fifokit with {@code stdin} as input and waits at most {@code seconds}. */
    public static Result run(byte[] stdin, long seconds, String... args) throws IOException, InterruptedException {
        Process p = start(args);
        try {
            return finish(p, stdin, seconds);
        } finally {
            p.destroyForcibly();
        }
    }

    public static Result run(long seconds, String... args) throws IOException, InterruptedException {
        return run(new byte[0], seconds, args);
    }

    /** Feeds stdin, collects both outputs, waits for exit (fails the test past the deadline). */
    public static Result finish(Process p, byte[] stdin, long seconds) throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = Thread.ofPlatform().start(() -> copy(p.getInputStream(), out));
        Thread e = Thread.ofPlatform().start(() -> copy(p.getErrorStream(), err));
        Thread i = Thread.ofPlatform().start(() -> {
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // the command may exit without reading its input
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fifokit did not exit within " + seconds + "s; stderr so far: "
                    + err.toString(StandardCharsets.UTF_8));
        }
        o.join(5000);
        e.join(5000);
        i.join(5000);
        return new Result(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        try {
            in.transferTo(to);
        } catch (IOException ignored) {
            // process ended
        }
    }
}
