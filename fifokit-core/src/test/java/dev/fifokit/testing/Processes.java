package dev.fifokit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes for tests, all destroyed by {@link #close()} even when the test fails:
 * use it in a try-with-resources or as a field closed in {@code @AfterEach}.
 */
public final class Processes implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    public Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    public Process start(String... command) throws IOException {
        return start(new ProcessBuilder(command));
    }

    /** Starts a shell command ({@code sh -c}). */
    public Process sh(String script) throws IOException {
        return start("sh", "-c", script);
    }

    /** Waits for exit, failing the test after {@code seconds}. */
    public static int waitFor(Process p, long seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("process " + p.pid() + " did not exit within " + seconds + "s");
        }
        return p.exitValue();
    }

    /** The wait channel of a process ("" when unreadable). */
    public static String wchan(long pid) {
        try {
            return new String(Files.newInputStream(Path.of("/proc/" + pid + "/wchan")).readAllBytes()).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls until {@code pid}'s wchan is one of {@code names}, or fails after {@code millis}. */
    public static void awaitWchan(long pid, long millis, String... names) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        String last = "";
        while (System.nanoTime() < end) {
            last = wchan(pid);
            for (String n : names) {
                if (n.equals(last)) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("pid " + pid + " wchan stayed '" + last + "', wanted " + List.of(names));
    }

    /**
     * What the descriptors of process {@code pid} point to (readlink of /proc/PID/fd/*: a path,
     * "pipe:[...]", "anon_inode:..."); empty when the process is gone. Descriptors closed while
     * listing are skipped.
     */
    public static List<String> descriptorTargets(long pid) {
        List<String> targets = new ArrayList<>();
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : s.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return targets;
    }

    /** How many descriptors of process {@code pid} point to {@code file} (compared by its real path). */
    public static long descriptorsOn(long pid, Path file) {
        String name;
        try {
            name = file.toRealPath().toString(); // the kernel's links name the real path
        } catch (IOException e) {
            name = file.toAbsolutePath().normalize().toString();
        }
        return descriptorTargets(pid).stream().filter(name::equals).count();
    }

    /** The state letter of a process (field 3 of /proc/PID/stat: R, S, D, T, Z...), or '?' when gone. */
    public static char state(long pid) {
        try {
            String stat = new String(Files.newInputStream(Path.of("/proc/" + pid + "/stat")).readAllBytes());
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    /** Polls until {@code pid} is in state {@code wanted}, or fails after {@code millis}. */
    public static void awaitState(long pid, long millis, char wanted) throws InterruptedException {
        Await.until(Duration.ofMillis(millis), "pid " + pid + " in state '" + wanted + "'", () -> state(pid) == wanted);
    }

    /** Number of open descriptors of this JVM. */
    public static int openDescriptors() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * This JVM's descriptors that fifokit could have opened, counted by kind: FIFOs and pipes
     * ("pipe:"), eventfds, epoll and inotify instances. Other descriptors (jars, sockets of the
     * test runner) come and go on their own and are not counted.
     */
    public static java.util.Map<String, Long> descriptorKinds() {
        java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // the listing's own descriptor, already closed
                }
                String kind = target.startsWith("pipe:") ? "pipe"
                        : target.startsWith("anon_inode:") ? target
                        : isFifo(fd) ? "fifo"
                        : null;
                if (kind != null) {
                    kinds.merge(kind, 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return kinds;
    }

    /**
     * True when the open file behind {@code /proc/self/fd/N} is a FIFO, whatever its name (or
     * if it was unlinked): the link is followed to the open file itself.
     */
    private static boolean isFifo(Path fd) {
        try {
            int mode = (Integer) Files.getAttribute(fd, "unix:mode");
            return (mode & 0170000) == 0010000; // S_IFMT, S_IFIFO
        } catch (IOException | UnsupportedOperationException e) {
            return false; // closed meanwhile
        }
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeStreams(p);
        }
    }

    /**
     * Closes this JVM's ends of {@code p}'s standard streams now. The JDK closes them by itself
     * only after it has reported the exit, on its reaper thread: a descriptor count taken just
     * after {@code waitFor} returned (the next test's "before") may still see those pipes.
     */
    public static void closeStreams(Process p) {
        for (java.io.Closeable c : List.<java.io.Closeable>of(p.getOutputStream(), p.getInputStream(), p.getErrorStream())) {
            try {
                c.close();
            } catch (IOException ignored) {
                // a child that is gone may refuse a last flush of its input
            }
        }
    }
}
