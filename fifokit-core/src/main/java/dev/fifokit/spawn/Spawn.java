package dev.fifokit.spawn;

import dev.fifokit.DescriptorException;
import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoException;
import dev.fifokit.ends.FifoEnd;
import dev.fifokit.ends.FifoReadWrite;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.ListenFds;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.internal.ends.EndHandover;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.FifoPaths;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.Inheritance;
import dev.fifokit.internal.linux.Spawning;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Starts a child process with fifokit ends as chosen descriptors: its standard input, output or
 * error, or any number N, which {@link ProcessBuilder} cannot do. Built on posix_spawn(3).
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open();
 *      ChildProcess child = Spawn.command("sh", "-c", "cat <&5").fd(5, pipe.reader()).stdout(out).start()) {
 *     pipe.reader().close();          // the child has its own copy
 *     pipe.writer().write(data);
 *     pipe.writer().close();          // the child now sees end of file on fd 5
 *     child.waitFor();
 * }
 * }</pre>
 *
 * <p><b>What the child gets.</b> Each end given with {@link #fd(int, FifoEnd)} is opened again
 * for the child, in the same direction, as a <em>blocking</em> descriptor of the same pipe (a
 * fifokit end is non-blocking, which most programs cannot read or write). The child's copy is
 * independent of the end: close the end in this process when the child should be the pipe's
 * only reader or writer, so that end of file and broken pipe happen when the child is done.
 * Standard input, output and error not given an end are inherited from this process. Every
 * other descriptor is closed in the child, whatever its close-on-exec flag, so nothing leaks
 * into it. The signal mask is emptied and SIGPIPE gets its default action. The environment is
 * this process's, without the {@link ListenFds#VARIABLES} (they describe descriptors that
 * were passed to us, not to the child), unless {@link #environment(Map)} or
 * {@link #env(String, String)} say otherwise. Opening an end again needs {@code /proc}.
 *
 * <p><b>Readers that waited.</b> To learn that a writer has come, {@link FifoReader#open} may
 * read the first byte and keep it for its own next read; a child could never see that byte, so
 * such a reader is refused. Open a reader meant for a child with
 * {@link dev.fifokit.ends.ReaderOptions#awaitWriter(boolean) awaitWriter(false)} (a child whose
 * read finds no writer yet sees end of file, so start it once the writer is there).
 *
 * <p>{@link #start()} never waits for the child (only for posix_spawn, which returns once
 * the child has executed the program or failed to).
 */
public final class Spawn {
    private final List<String> command;
    private final TreeMap<Integer, FifoEnd> fds = new TreeMap<>();
    /** Child descriptor numbers whose ends are handed over (closed here once the child has started). */
    private final java.util.Set<Integer> handedOver = new java.util.HashSet<>();
    private Map<String, String> environment;
    private Path directory;

    private Spawn(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        this.command = List.copyOf(command);
    }

    /**
     * A builder for a child that runs {@code command}, with no shell in between.
     *
     * @param command the program (looked up on PATH when it has no slash) and its arguments;
     *                at least the program
     * @return a new builder that gives the child no end yet
     */
    public static Spawn command(String... command) {
        return new Spawn(List.of(command));
    }

    /**
     * A builder for a child that runs {@code command}, with no shell in between.
     *
     * @param command the program (looked up on PATH when it has no slash) and its arguments;
     *                at least the program; copied, so later changes to the list do not count
     * @return a new builder that gives the child no end yet
     */
    public static Spawn command(List<String> command) {
        return new Spawn(command);
    }

    /**
     * Gives the child {@code end} as descriptor {@code childFd}; a reader stays a reader, a
     * writer a writer. Giving the same number twice keeps the last.
     *
     * @param childFd the descriptor number in the child, 0 or more (0, 1 and 2 are its
     *                standard input, output and error)
     * @param end     the end to give; it stays open and usable in this process
     * @return this builder
     */
    public Spawn fd(int childFd, FifoEnd end) {
        if (childFd < 0) {
            throw new IllegalArgumentException("negative descriptor number: " + childFd);
        }
        fds.put(childFd, Objects.requireNonNull(end, "end"));
        handedOver.remove(childFd);
        return this;
    }

    /**
     * Hands {@code end} over to the child as descriptor {@code childFd}: the child gets this very
     * pipe end, made blocking, and {@link #start()} closes {@code end} in this process once the
     * child has it (or the start failed), so the child is its only holder here. Unlike
     * {@link #fd(int, FifoEnd)} this needs no {@code /proc}: use it for a pipe made only to talk
     * to the child (its standard input, output or error). Do not use {@code end} after this
     * call: from now on it belongs to the start.
     *
     * @param childFd the descriptor number in the child, 0 or more (0, 1 and 2 are its
     *                standard input, output and error)
     * @param end     the end to hand over; closed in this process by {@link #start()}
     * @return this builder
     */
    public Spawn handOver(int childFd, FifoEnd end) {
        fd(childFd, end);
        handedOver.add(childFd);
        return this;
    }

    /**
     * The child's standard input (descriptor 0) reads from {@code end}.
     *
     * @param end the reader to give as descriptor 0; it stays open in this process
     * @return this builder
     */
    public Spawn stdin(FifoReader end) {
        return fd(0, end);
    }

    /**
     * The child's standard output (descriptor 1) writes into {@code end}.
     *
     * @param end the writer (or read-write end) to give as descriptor 1; it stays open in this
     *            process
     * @return this builder
     */
    public Spawn stdout(FifoEnd end) {
        return fd(1, end);
    }

    /**
     * The child's standard error (descriptor 2) writes into {@code end}.
     *
     * @param end the writer (or read-write end) to give as descriptor 2; it stays open in this
     *            process
     * @return this builder
     */
    public Spawn stderr(FifoEnd end) {
        return fd(2, end);
    }

    /**
     * Tells whether descriptor {@code childFd} of the child is given an end.
     *
     * @param childFd a descriptor number in the child
     * @return true when an end was given for it (so it is not inherited from this process)
     */
    public boolean gives(int childFd) {
        return fds.containsKey(childFd);
    }

    /**
     * The child's whole environment, replacing this process's.
     *
     * @param environment every variable the child gets, name to value; copied, so later changes
     *                    to the map do not count
     * @return this builder
     */
    public Spawn environment(Map<String, String> environment) {
        this.environment = new LinkedHashMap<>(environment);
        return this;
    }

    /**
     * Sets one variable of the child's environment; a {@code null} value removes it. The other
     * variables are those of {@link #environment(Map)}, or else this process's.
     *
     * @param name  the variable's name
     * @param value its value, or {@code null} to remove the variable
     * @return this builder
     */
    public Spawn env(String name, String value) {
        if (environment == null) {
            environment = inheritedEnvironment();
        }
        if (value == null) {
            environment.remove(name);
        } else {
            environment.put(name, value);
        }
        return this;
    }

    /**
     * The child's working directory (this process's when not set).
     *
     * @param directory the directory the child starts in, or {@code null} for this process's;
     *                  a relative path is taken from this process's working directory
     * @return this builder
     */
    public Spawn directory(Path directory) {
        this.directory = directory;
        return this;
    }

    private static Map<String, String> inheritedEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.keySet().removeAll(ListenFds.VARIABLES);
        return env;
    }

    /**
     * Starts the child.
     *
     * @return the running child; close it to kill and reap the child if it still runs
     * @throws SpawnException      the program does not exist or may not be executed, or the
     *                             system refused a new process
     * @throws FifoClosedException an end given to it is closed
     * @throws dev.fifokit.NoReaderException a writer end's FIFO has no reader any more, so it
     *                             cannot be opened again for the child
     * @throws DescriptorException {@code /proc} is not mounted
     * @throws FifoException       a reader given to it holds a byte it read while waiting for a writer
     * @throws FifoException       opening an end again for the child failed otherwise
     */
    public ChildProcess start() throws IOException {
        int highest = fds.isEmpty() ? 2 : Math.max(2, fds.lastKey());
        List<Integer> copies = new ArrayList<>();
        try {
            List<Spawning.Dup> dups = new ArrayList<>();
            for (Map.Entry<Integer, FifoEnd> e : fds.entrySet()) {
                int copy = handedOver.contains(e.getKey())
                        ? handedCopy(e.getValue(), highest + 1)
                        : blockingCopy(e.getValue(), highest + 1);
                copies.add(copy);
                dups.add(new Spawning.Dup(copy, e.getKey()));
            }
            Map<String, String> env = environment != null ? environment : inheritedEnvironment();
            List<String> envp = new ArrayList<>(env.size());
            env.forEach((k, v) -> envp.add(k + "=" + v));
            int r = Spawning.spawn(command, envp, dups, directory == null ? null : directory.toString());
            if (r < 0) {
                throw failure(-r);
            }
            return new ChildProcess(r, command);
        } finally {
            for (int fd : copies) {
                FifoPaths.close(fd);
            }
            for (int childFd : handedOver) {
                try {
                    fds.get(childFd).close();
                } catch (IOException ignored) {
                    // closing our own end of a pipe the child now holds
                }
            }
        }
    }

    /** The descriptor of an end that may be given to a child: open, and holding no byte a child would miss. */
    private static int givableDescriptor(FifoEnd end) throws IOException {
        int fd = end.descriptor();
        if (!end.isOpen() || fd < 0) {
            throw new FifoClosedException(end.path(), "the end is closed; it cannot be given to a child");
        }
        if (EndHandover.heldBytes(end) > 0) {
            throw new FifoException(end.path(), "holds a byte it read while waiting for its first writer, which a"
                    + " child would never see; open a reader that is handed to a child with awaitWriter(false)");
        }
        return fd;
    }

    /**
     * A close-on-exec duplicate of a handed-over end's descriptor, numbered above every target,
     * with O_NONBLOCK cleared on the pipe end it shares with {@code end} (which is closed once
     * the child has it, so nothing here sees the change).
     */
    private static int handedCopy(FifoEnd end, int minimum) throws IOException {
        int fd = givableDescriptor(end);
        int copy = Inheritance.duplicateAbove(fd, minimum);
        if (copy < 0) {
            throw Errors.of(end.path(), -copy, "duplicate for the child");
        }
        int r = Inheritance.setNonBlocking(copy, false);
        if (r < 0) {
            FifoPaths.close(copy);
            throw Errors.of(end.path(), -r, "clear O_NONBLOCK for the child");
        }
        return copy;
    }

    /**
     * Waits until a writer has opened {@code reader}'s FIFO, without reading from it, so the
     * reader can then be given to a child whose first read would otherwise see end of file.
     * Blocks, checking every 10 ms (tee(2) copies a byte without taking it), for at most
     * {@code timeout} ({@code null}: without limit). A writer that wrote and left counts.
     *
     * @param reader  the open reader whose FIFO should get a writer; nothing is read from it
     * @param timeout the longest wait, or {@code null} to wait without limit; zero or negative
     *                checks once
     * @throws dev.fifokit.PeerTimeoutException no writer came in time
     * @throws InterruptedException the waiting thread was interrupted
     * @throws FifoException the reader is closed or the check failed
     */
    public static void awaitWriter(FifoReader reader, Duration timeout) throws FifoException, InterruptedException {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!reader.isOpen()) {
                throw new FifoException(reader.path(), "closed while waiting for a writer");
            }
            int r = Inheritance.writerSeen(reader.descriptor());
            if (r > 0) {
                return;
            }
            if (r < 0) {
                throw Errors.of(reader.path(), -r, "wait for a writer");
            }
            if (timeout != null && System.nanoTime() - deadline >= 0) {
                throw new dev.fifokit.PeerTimeoutException(reader.path(), dev.fifokit.PeerTimeoutException.Side.WRITER, timeout);
            }
            Thread.sleep(10);
        }
    }

    /**
     * Whether {@code program} names a file: as given when it holds a slash, else in a directory
     * of this process's PATH (the one posix_spawnp searches). A search that only met directories
     * it may not enter has found nothing: a shell says "command not found" then, and so do we.
     */
    private static boolean onSearchPath(String program) {
        if (program.contains("/")) {
            return Files.exists(Path.of(program));
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/bin:/usr/bin" : path).split(":", -1)) {
            if (Files.exists(Path.of(dir.isEmpty() ? "." : dir, program))) {
                return true;
            }
        }
        return false;
    }

    private SpawnException failure(int errno) {
        String program = command.getFirst();
        return switch (errno) {
            case Errors.ENOENT -> directory != null && !Files.isDirectory(directory)
                    ? new SpawnException(program, SpawnException.Problem.OTHER,
                            "working directory " + directory + " does not exist")
                    : new SpawnException(program, SpawnException.Problem.NOT_FOUND, "command not found");
            case Errors.EACCES, Errors.EPERM -> onSearchPath(program)
                    ? new SpawnException(program, SpawnException.Problem.NOT_EXECUTABLE,
                            "permission denied (not executable)")
                    // the search met a directory it may not enter, and no directory holds the name
                    : new SpawnException(program, SpawnException.Problem.NOT_FOUND, "command not found");
            case Errors.ENOTDIR -> new SpawnException(program, SpawnException.Problem.NOT_FOUND,
                    "a component of the path is not a directory");
            case 8 -> new SpawnException(program, SpawnException.Problem.NOT_EXECUTABLE, "not an executable format (ENOEXEC)");
            case Errors.ENOSYS -> new SpawnException(program, SpawnException.Problem.OTHER,
                    "this C library cannot set the working directory of a spawned process");
            default -> new SpawnException(program, SpawnException.Problem.OTHER, "cannot start: " + Errors.describe(errno));
        };
    }

    /**
     * A new, blocking, close-on-exec open of the pipe behind {@code end}, numbered above every
     * target so that no dup2 in the child overwrites a source before it is used.
     */
    private static int blockingCopy(FifoEnd end, int minimum) throws IOException {
        int fd = givableDescriptor(end);
        int access = end instanceof FifoReader ? Flags.O_RDONLY
                : end instanceof FifoReadWrite ? Flags.O_RDWR : Flags.O_WRONLY;
        int copy = FifoPaths.reopen(fd, access);
        if (copy < 0) {
            if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
                throw new DescriptorException("fd " + fd, fd, DescriptorException.Problem.NEEDS_PROC,
                        "giving an end to a child needs /proc mounted (to open the pipe again, blocking)");
            }
            throw Errors.of(end.path(), -copy, "open again for the child");
        }
        try {
            int r = Inheritance.setNonBlocking(copy, false);
            if (r < 0) {
                throw Errors.of(end.path(), -r, "clear O_NONBLOCK for the child");
            }
            if (copy > minimum - 1) {
                int done = copy;
                copy = -1;
                return done;
            }
            int high = Inheritance.duplicateAbove(copy, minimum);
            if (high < 0) {
                throw Errors.of(end.path(), -high, "duplicate for the child");
            }
            return high;
        } finally {
            if (copy >= 0) {
                FifoPaths.close(copy);
            }
        }
    }
}
