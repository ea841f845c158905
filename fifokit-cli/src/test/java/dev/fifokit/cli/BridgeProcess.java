package dev.fifokit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fifokit bridge -v ...} as a child process, its standard error kept in a file so a test
 * can wait for what it reports (a file, not a pipe: the JDK closes a child's pipe when the child
 * exits, and a read in progress then loses the last lines). {@link #close()} kills it if it still
 * runs and removes the file.
 */
final class BridgeProcess implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("listening on port (\\d+)");

    final Process process;
    private final Path log;

    private BridgeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code fifokit bridge -v ARGS}. */
    static BridgeProcess start(String... args) throws IOException {
        return startUnder(List.of(), args);
    }

    /** The same under a command that runs it (e.g. {@code prlimit --nofile=N:N}). */
    static BridgeProcess startUnder(List<String> wrapper, String... args) throws IOException {
        List<String> bridge = new ArrayList<>(List.of("bridge", "-v"));
        bridge.addAll(List.of(args));
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(CliProcess.command(bridge.toArray(new String[0])));
        Path log = Files.createTempFile("fifokit-bridge-", ".log");
        try {
            return new BridgeProcess(new ProcessBuilder(cmd).redirectError(log.toFile()).start(), log);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(log);
            throw e;
        }
    }

    /** The port a {@code tcp-listen:...:0} bridge bound (it says so with -v). */
    int port() throws InterruptedException {
        Matcher m = PORT.matcher(awaitLine("listening on port", Duration.ofSeconds(60)));
        if (!m.find()) {
            throw new AssertionError("no port in the listening line");
        }
        return Integer.parseInt(m.group(1));
    }

    /** Waits for a line of standard error containing {@code text}; fails past {@code limit}. */
    String awaitLine(String text, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            boolean alive = process.isAlive();
            for (String l : lines()) {
                if (l.contains(text)) {
                    return l;
                }
            }
            if (!alive) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the bridge never said '" + text + "'; it said:\n" + stderr());
    }

    /** {@return how many lines so far contain {@code text}} */
    long count(String text) {
        return lines().stream().filter(l -> l.contains(text)).count();
    }

    /** SIGTERM, then the exit status (fails after 60 s). */
    int terminate() throws InterruptedException {
        process.destroy();
        return exit(Duration.ofSeconds(60));
    }

    /** SIGKILL, as a crash: nothing of the process runs after it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The exit status; fails if the process runs past {@code limit}. */
    int exit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the bridge did not exit within " + limit + "; it said:\n" + stderr());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@return everything it wrote to standard error so far} */
    String stderr() {
        return String.join("\n", lines());
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
