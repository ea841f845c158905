package dev.fifokit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the processes of one run, waits for all of them (killing every one, with its
 * children, past the deadline) and reads the result line of the reporting process.
 * Standard output and error go to files in the bench directory, never through pipes the
 * harness must drain.
 */
final class Runs {
    private Runs() {}

    /**
     * One process of a run.
     *
     * @param name   unique within the run; names its output files
     * @param argv   the command line
     * @param stdout where standard output goes, or null for a file the harness reads
     */
    record Cmd(String name, List<String> argv, Path stdout) {
        Cmd(String name, List<String> argv) {
            this(name, argv, null);
        }
    }

    /** A shell pipeline as one process ({@code sh -c script}). */
    static Cmd sh(String name, String script) {
        return new Cmd(name, List.of("sh", "-c", script));
    }

    /**
     * Runs {@code reporter} and {@code others} together; every process must exit 0. The
     * result is the {@code result ...} line of the reporter (standard output first, then
     * standard error).
     */
    static Sample run(Env env, Duration timeout, Cmd reporter, Cmd... others) throws IOException,
            InterruptedException, BenchFailure {
        List<Cmd> all = new ArrayList<>(List.of(others));
        all.add(reporter);
        List<Process> started = new ArrayList<>();
        try {
            for (Cmd c : all) {
                ProcessBuilder pb = new ProcessBuilder(env.prioritized(c.argv())).directory(env.dir().toFile());
                pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                pb.redirectOutput(c.stdout() != null ? c.stdout().toFile() : out(env, c).toFile());
                pb.redirectError(err(env, c).toFile());
                started.add(pb.start());
            }
            awaitAll(env, all, started, timeout);
            Sample s = reporter.stdout() == null ? find(out(env, reporter)) : null;
            if (s == null) {
                s = find(err(env, reporter));
            }
            if (s == null) {
                throw new BenchFailure(reporter.name() + " printed no result line" + tail(err(env, reporter)));
            }
            return s;
        } finally {
            for (Process p : started) {
                kill(p);
            }
            for (Cmd c : all) {
                Files.deleteIfExists(out(env, c));
                Files.deleteIfExists(err(env, c));
            }
        }
    }

    /** Waits for every process; the first one that fails (or the deadline) ends the run. */
    private static void awaitAll(Env env, List<Cmd> all, List<Process> started, Duration timeout)
            throws IOException, InterruptedException, BenchFailure {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean running = false;
            for (int i = 0; i < all.size(); i++) {
                Process p = started.get(i);
                if (p.isAlive()) {
                    running = true;
                } else if (p.exitValue() != 0) {
                    throw new BenchFailure(all.get(i).name() + " exited with " + p.exitValue()
                            + tail(err(env, all.get(i))));
                }
            }
            if (!running) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new BenchFailure("the run did not finish within " + timeout.toSeconds() + "s"
                        + tail(err(env, all.getLast())));
            }
            Process alive = started.stream().filter(Process::isAlive).findFirst().orElse(null);
            if (alive != null) {
                alive.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
    }

    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path out(Env env, Cmd c) {
        return env.dir().resolve(c.name() + ".out");
    }

    private static Path err(Env env, Cmd c) {
        return env.dir().resolve(c.name() + ".err");
    }

    private static Sample find(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Sample s = Sample.parse(line);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            return "";
        }
        return ": " + (s.length() > 400 ? "…" + s.substring(s.length() - 400) : s);
    }

    /** Single-quotes {@code s} for sh. */
    static String quote(Object s) {
        return "'" + s.toString().replace("'", "'\\''") + "'";
    }

    /** A command line as one sh string. */
    static String shell(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            b.append(b.isEmpty() ? "" : " ").append(quote(a));
        }
        return b.toString();
    }
}
