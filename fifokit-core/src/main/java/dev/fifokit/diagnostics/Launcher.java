package dev.fifokit.diagnostics;

import dev.fifokit.FifoException;
import dev.fifokit.ends.Pipe;
import dev.fifokit.spawn.ChildProcess;
import dev.fifokit.spawn.Spawn;
import dev.fifokit.spawn.SpawnException;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a command in the background and shows its output as it comes, so that a blocked
 * command can be watched while it blocks (run {@code echo Hello > my_fifo} in the background
 * and see it hang in open until a reader comes). Each line the command writes to its standard output or
 * error reaches the {@link OutputListener} as soon as the line is complete (a last line
 * without a newline arrives at end of stream). Meanwhile {@link #pid()} and {@link #status()}
 * show what it is doing, e.g. "sleeping in wait_for_partner" while it waits to open a FIFO.
 *
 * <p><b>Threads.</b> Two daemon threads read the command's output; they call the listener
 * one line at a time (never concurrently), so it needs no locking of its own but should be
 * quick: while it runs, the command may block on a full output pipe.
 *
 * <p><b>Stopping.</b> {@link #close()} sends SIGTERM to the command and to the descendants
 * it has at that moment, waits up to the grace period, then sends SIGKILL to whatever is
 * left. It blocks for at most the grace period plus a few seconds.
 *
 * <pre>{@code
 * try (Launcher cat = Launcher.start(List.of("cat", "my_fifo"),
 *         (source, line) -> System.out.println(source + "| " + line))) {
 *     System.out.println(cat.status().activity());   // sleeping in wait_for_partner
 * }
 * }</pre>
 */
public final class Launcher implements AutoCloseable {
    /** Grace period between SIGTERM and SIGKILL when none is given. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    /** How long {@link #waitFor()} lets the output threads finish after the command exits. */
    private static final long DRAIN_MILLIS = 1000;

    /** Which stream a line came from. */
    public enum Source {
        /** The command's standard output (descriptor 1). */
        STDOUT,
        /** The command's standard error (descriptor 2). */
        STDERR
    }

    /** Receives the command's output, one line at a time (without its line terminator). */
    @FunctionalInterface
    public interface OutputListener {
        /**
         * Called once for each complete line, in the order the command wrote the lines to
         * that stream.
         *
         * @param source the stream the line came from
         * @param line   the line as UTF-8 text, without its line terminator; may be empty
         */
        void line(Source source, String line);
    }

    private static final Pattern EXEC_ERRNO = Pattern.compile("error(?:=|: )(\\d+)");

    private final Child process;
    private final Duration grace;
    private final Thread out;
    private final Thread err;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object listenerLock = new Object();

    private Launcher(Child process, InputStream stdout, InputStream stderr, Duration grace, OutputListener listener) {
        this.process = process;
        this.grace = grace;
        String name = "fifokit-launch-" + process.pid();
        this.out = Thread.ofPlatform().daemon().name(name + "-out").unstarted(
                () -> pump(stdout, Source.STDOUT, listener));
        this.err = Thread.ofPlatform().daemon().name(name + "-err").unstarted(
                () -> pump(stderr, Source.STDERR, listener));
        out.start();
        err.start();
    }

    /** What the launcher needs of a child, whether {@link ProcessBuilder} or {@link Spawn} started it. */
    private interface Child {
        long pid();

        boolean isAlive();

        int exitValue();

        int waitFor() throws InterruptedException;

        boolean waitFor(long nanos) throws InterruptedException;

        void destroy();

        void destroyForcibly();

        default java.util.stream.Stream<ProcessHandle> descendants() {
            return ProcessHandle.of(pid()).map(ProcessHandle::descendants).orElseGet(java.util.stream.Stream::empty);
        }
    }

    private record Started(Process p) implements Child {
        public long pid() {
            return p.pid();
        }

        public boolean isAlive() {
            return p.isAlive();
        }

        public int exitValue() {
            return p.exitValue();
        }

        public int waitFor() throws InterruptedException {
            return p.waitFor();
        }

        public boolean waitFor(long nanos) throws InterruptedException {
            return p.waitFor(nanos, TimeUnit.NANOSECONDS);
        }

        public void destroy() {
            p.destroy();
        }

        public void destroyForcibly() {
            p.destroyForcibly();
        }

        public java.util.stream.Stream<ProcessHandle> descendants() {
            return p.descendants();
        }
    }

    private record Spawned(ChildProcess c) implements Child {
        public long pid() {
            return c.pid();
        }

        public boolean isAlive() {
            return c.isAlive();
        }

        public int exitValue() {
            return c.exitStatus().orElseThrow();
        }

        public int waitFor() throws InterruptedException {
            return c.waitFor();
        }

        public boolean waitFor(long nanos) throws InterruptedException {
            return c.waitFor(Duration.ofNanos(nanos));
        }

        public void destroy() {
            c.destroy();
        }

        public void destroyForcibly() {
            c.destroyForcibly();
        }
    }

    /**
     * Starts {@code command} (program and arguments, no shell) with standard input from
     * {@code /dev/null}. Stops with {@link #DEFAULT_GRACE} between SIGTERM and SIGKILL.
     *
     * @param command  the program and its arguments; the program is looked up on {@code PATH}
     *                 when it has no slash
     * @param listener gets each line of the command's output as it comes
     * @return the running launcher
     * @throws NoSuchFileException   the program does not exist ("command not found")
     * @throws AccessDeniedException the program may not be executed
     * @throws IOException           any other reason the process could not start
     */
    public static Launcher start(List<String> command, OutputListener listener) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(new File("/dev/null"));
        return start(pb, DEFAULT_GRACE, listener);
    }

    /**
     * Starts {@code sh -c script}, as a shell-based background launcher does; standard input
     * from {@code /dev/null}. Does not wait for the script.
     *
     * @param script   the shell script
     * @param listener gets each line of the script's output as it comes
     * @return the running launcher
     * @throws IOException the shell could not start
     */
    public static Launcher shell(String script, OutputListener listener) throws IOException {
        return start(List.of("sh", "-c", script), listener);
    }

    /**
     * Starts the process {@code builder} describes (its directory, environment and standard
     * input are kept; a piped standard input is closed at once, so the command sees end of
     * file). Its standard output and error are always captured for the listener.
     *
     * @param builder  the process to start; its standard output and error redirects are
     *                 replaced by pipes to the listener
     * @param grace    how long {@link #close()} waits after SIGTERM before SIGKILL; zero or
     *                 more
     * @param listener gets each line of the command's output as it comes
     * @return the running launcher
     * @throws NoSuchFileException   the program does not exist ("command not found")
     * @throws AccessDeniedException the program may not be executed
     * @throws IOException           any other reason the process could not start
     */
    public static Launcher start(ProcessBuilder builder, Duration grace, OutputListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("negative grace period: " + grace);
        }
        builder.redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(false);
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw startFailure(builder.command().isEmpty() ? "" : builder.command().getFirst(), e);
        }
        if (builder.redirectInput() == ProcessBuilder.Redirect.PIPE) {
            p.getOutputStream().close();
        }
        return new Launcher(new Started(p), p.getInputStream(), p.getErrorStream(), grace, listener);
    }

    /**
     * Starts the command {@code spawn} describes, with the descriptors it gives the child (see
     * {@link Spawn}): so a command can be launched with a FIFO as its descriptor 5, or as its
     * standard input. Its standard output and error are captured for the listener unless the
     * spawn gives them an end of its own.
     *
     * @param spawn    the command to start and the ends to give it; when it gives the child no
     *                 descriptor 1 or 2, that one is set here to a pipe read for the listener
     * @param grace    how long {@link #close()} waits after SIGTERM before SIGKILL; zero or
     *                 more
     * @param listener gets each line of the command's output as it comes (only from the
     *                 streams captured here)
     * @return the running launcher
     * @throws SpawnException the command could not be started ({@link SpawnException#problem()}
     *                        tells "command not found" and "permission denied" apart)
     * @throws IOException    an end could not be given to the child (see {@link Spawn#start()})
     */
    public static Launcher start(Spawn spawn, Duration grace, OutputListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("negative grace period: " + grace);
        }
        Pipe stdout = spawn.gives(1) ? null : Pipe.open();
        Pipe stderr = null;
        try {
            stderr = spawn.gives(2) ? null : Pipe.open();
            if (stdout != null) {
                spawn.stdout(stdout.writer());
            }
            if (stderr != null) {
                spawn.stderr(stderr.writer());
            }
            ChildProcess child = spawn.start();
            // the child holds its own copies: ours would keep the pipes from ever ending
            InputStream o = captured(stdout);
            InputStream e = captured(stderr);
            stdout = null;
            stderr = null;
            return new Launcher(new Spawned(child), o, e, grace, listener);
        } finally {
            if (stdout != null) {
                stdout.close();
            }
            if (stderr != null) {
                stderr.close();
            }
        }
    }

    private static InputStream captured(Pipe pipe) throws IOException {
        if (pipe == null) {
            return InputStream.nullInputStream();
        }
        pipe.writer().close();
        return pipe.reader().inputStream();
    }

    /**
     * The JDK reports exec failures only as text: "error=2, No such file or directory" or
     * "Exec failed, error: 2 (No such file or directory)", depending on the launch mechanism.
     */
    private static IOException startFailure(String program, IOException e) {
        Matcher m = EXEC_ERRNO.matcher(String.valueOf(e.getMessage()));
        int errno = m.find() ? Integer.parseInt(m.group(1)) : -1;
        if (errno == 2) {
            return (IOException) new NoSuchFileException(program, null, "command not found").initCause(e);
        }
        if (errno == 13) {
            return (IOException) new AccessDeniedException(program, null, "permission denied").initCause(e);
        }
        return e;
    }

    private void pump(InputStream in, Source source, OutputListener listener) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (listenerLock) {
                    try {
                        listener.line(source, line);
                    } catch (RuntimeException ignored) {
                        // a failing listener must not stop the draining, or the command would block
                    }
                }
            }
        } catch (IOException ignored) {
            // the stream was closed by close(): nothing more to deliver
        }
    }

    /** {@return the command's process id} */
    public long pid() {
        return process.pid();
    }

    /**
     * What the command is doing now, from {@code /proc}.
     *
     * @return a snapshot of the command's process: its state, wait channel, memory and more
     * @throws dev.fifokit.NoSuchProcessException once it has exited
     */
    public ProcessStatus status() throws FifoException {
        return ProcessStatus.of(process.pid());
    }

    /** {@return true until the command exits} */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The exit status once the command has exited, empty before. As a shell reports it:
     * 128 + N when it was killed by signal N.
     *
     * @return the exit status (0 to 255), or empty while the command still runs
     */
    public OptionalInt exitStatus() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /**
     * Waits at most {@code timeout} for the command to exit.
     *
     * @param timeout the longest wait
     * @return true when it has exited
     * @throws InterruptedException the thread was interrupted while it waited
     */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toNanos());
    }

    /**
     * Waits (without limit) for the command to exit, then up to a second for its last output
     * lines to reach the listener (a background grandchild may keep the pipes open longer), and
     * returns its exit status.
     *
     * @return the exit status
     * @throws InterruptedException the thread was interrupted while it waited
     */
    public int waitFor() throws InterruptedException {
        int status = process.waitFor();
        out.join(DRAIN_MILLIS);
        err.join(DRAIN_MILLIS);
        return status;
    }

    /**
     * Stops the command if it still runs: SIGTERM to it and its current descendants, SIGKILL
     * after the grace period to those still alive. Idempotent; safe from any thread and from a
     * shutdown hook. Lines already written are still delivered (for up to a second).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stop();
            out.join(DRAIN_MILLIS);
            err.join(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private void stop() throws InterruptedException {
        List<ProcessHandle> tree = process.descendants().toList();
        if (!process.isAlive() && tree.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        if (!process.waitFor(Math.max(0, deadline - System.nanoTime()))) {
            process.destroyForcibly();
        }
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                h.destroyForcibly();
            }
        }
        process.waitFor(TimeUnit.SECONDS.toNanos(5));
    }
}
