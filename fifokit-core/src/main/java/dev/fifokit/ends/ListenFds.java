package dev.fifokit.ends;

import dev.fifokit.DescriptorException;
import dev.fifokit.DescriptorException.Problem;
import dev.fifokit.FifoException;
import dev.fifokit.internal.linux.Inheritance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Descriptors a service manager passed to this process, the way systemd does for
 * {@code ListenFIFO=} (and sockets) in a {@code .socket} unit and {@code systemd-socket-activate}
 * does on the command line: they are numbered from 3 up, {@code LISTEN_FDS} says how many,
 * {@code LISTEN_PID} which process they are for, and {@code LISTEN_FDNAMES} their names
 * (colon-separated; {@code FileDescriptorName=} in the unit, {@code "unknown"} when unset).
 *
 * <p>{@link #fromEnvironment()} follows sd_listen_fds(3): when {@code LISTEN_PID} is unset or
 * names another process (the variables were meant for a parent and leaked into us), or
 * {@code LISTEN_FDS} is unset, nothing was passed and the result is empty. Otherwise every
 * passed descriptor is marked close-on-exec at once, as sd_listen_fds does. Unlike
 * sd_listen_fds with {@code unset_environment}, the variables stay in this JVM's environment
 * (Java cannot change it): a child started with {@link dev.fifokit.spawn.Spawn} does not get
 * them (they are removed from its environment unless set explicitly), one started with
 * {@link ProcessBuilder} does, so remove {@link #VARIABLES} from its
 * {@code environment()}. Reading the environment never blocks.
 *
 * <pre>{@code
 * // in the .socket unit: ListenFIFO=/run/app/in.fifo  FileDescriptorName=in
 * try (FifoReader in = ListenFds.fromEnvironment().reader("in")) {
 *     ...
 * }
 * }</pre>
 */
public final class ListenFds {
    /** The first passed descriptor's number. */
    public static final int FIRST = 3;
    /** The variables of the protocol, which a child should not inherit. */
    public static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    /**
     * One passed descriptor and its name.
     *
     * @param descriptor the descriptor number
     * @param name       its name from {@code LISTEN_FDNAMES} ({@code "unknown"} when none was given)
     */
    public record Entry(int descriptor, String name) {}

    private final List<Entry> entries;
    private final String absent;

    private ListenFds(List<Entry> entries, String absent) {
        this.entries = List.copyOf(entries);
        this.absent = absent;
    }

    /**
     * The descriptors passed to this process (empty when none were); see the class comment.
     * Never blocks.
     *
     * @return the passed descriptors
     * @throws DescriptorException {@link Problem#BAD_ENVIRONMENT} when {@code LISTEN_PID},
     *         {@code LISTEN_FDS} or {@code LISTEN_FDNAMES} are malformed, or a passed
     *         descriptor is not open
     */
    public static ListenFds fromEnvironment() throws DescriptorException {
        ListenFds fds = parse(System.getenv(), ProcessHandle.current().pid());
        for (Entry e : fds.entries) {
            int r = Inheritance.setCloseOnExec(e.descriptor());
            if (r < 0) {
                throw new DescriptorException("fd " + e.descriptor(), e.descriptor(), Problem.NOT_OPEN,
                        "passed in LISTEN_FDS but not open in this process");
            }
        }
        return fds;
    }

    /** The parsing of {@link #fromEnvironment()}, without touching any descriptor. */
    static ListenFds parse(Map<String, String> env, long pid) throws DescriptorException {
        String listenPid = env.get("LISTEN_PID");
        String listenFds = env.get("LISTEN_FDS");
        if (listenPid == null) {
            return new ListenFds(List.of(), "no descriptors were passed to this process (LISTEN_PID is unset)");
        }
        long forPid = number("LISTEN_PID", listenPid);
        if (forPid != pid) {
            return new ListenFds(List.of(), "the descriptors in LISTEN_FDS were passed to process " + forPid
                    + ", not to this one (" + pid + ")");
        }
        if (listenFds == null) {
            return new ListenFds(List.of(), "no descriptors were passed to this process (LISTEN_FDS is unset)");
        }
        long n = number("LISTEN_FDS", listenFds);
        if (n > 100_000) {
            throw bad("LISTEN_FDS=" + listenFds + " is not a plausible count of descriptors");
        }
        String namesText = env.get("LISTEN_FDNAMES");
        String[] names = namesText == null ? null : namesText.split(":", -1);
        if (names != null && names.length != n) {
            throw bad("LISTEN_FDNAMES=" + namesText + " has " + names.length + " names for LISTEN_FDS=" + n + " descriptors");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(new Entry(FIRST + i, names == null ? "unknown" : names[i]));
        }
        return new ListenFds(entries, n == 0 ? "LISTEN_FDS=0: no descriptors were passed to this process" : null);
    }

    private static long number(String variable, String text) throws DescriptorException {
        try {
            long v = Long.parseLong(text.strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(variable + "=" + text + " is not a number");
    }

    private static DescriptorException bad(String reason) {
        return new DescriptorException("LISTEN_FDS", -1, Problem.BAD_ENVIRONMENT, reason);
    }

    /**
     * Every passed descriptor, in order (names may repeat).
     *
     * @return the entries, unmodifiable
     */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Whether no descriptor was passed.
     *
     * @return true when there are none
     */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * The first descriptor named {@code name}, if one was passed.
     *
     * @param name the name
     * @return the descriptor, or empty
     */
    public OptionalInt descriptor(String name) {
        for (Entry e : entries) {
            if (e.name().equals(name)) {
                return OptionalInt.of(e.descriptor());
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The descriptor named {@code name}, or a {@link Problem#NOT_PASSED} error naming
     * {@code "listen:NAME"} that says what was passed instead.
     *
     * @param name the name
     * @return the descriptor
     * @throws DescriptorException none of that name was passed
     */
    public int require(String name) throws DescriptorException {
        OptionalInt fd = descriptor(name);
        if (fd.isPresent()) {
            return fd.getAsInt();
        }
        String reason = absent != null ? absent
                : "no descriptor of that name was passed (names: " + String.join(", ",
                        entries.stream().map(e -> e.name() + "=fd " + e.descriptor()).toList()) + ")";
        throw new DescriptorException("listen:" + name, -1, Problem.NOT_PASSED, reason);
    }

    /**
     * Adopts the descriptor named {@code name} as a reader; see {@link Inherited#reader(int, PipeOptions)}.
     *
     * @param name    the name
     * @param options non-blocking mode, spinning and capacity
     * @return the reader, which owns the descriptor
     * @throws DescriptorException none of that name was passed, or it is not a readable FIFO or pipe
     * @throws FifoException       the capacity asked for could not be set
     */
    public FifoReader reader(String name, PipeOptions options) throws FifoException {
        return Inherited.reader(require(name), options);
    }

    /**
     * {@link #reader(String, PipeOptions)} with the default options. Never blocks.
     *
     * @param name the name
     * @return the reader, which owns the descriptor
     * @throws FifoException none of that name was passed, or it is not a readable FIFO or pipe
     */
    public FifoReader reader(String name) throws FifoException {
        return reader(name, PipeOptions.defaults());
    }

    /**
     * Adopts the descriptor named {@code name} as a writer; see {@link Inherited#writer(int, PipeOptions)}.
     *
     * @param name    the name
     * @param options non-blocking mode, spinning and capacity
     * @return the writer, which owns the descriptor
     * @throws DescriptorException none of that name was passed, or it is not a writable FIFO or pipe
     * @throws FifoException       the capacity asked for could not be set
     */
    public FifoWriter writer(String name, PipeOptions options) throws FifoException {
        return Inherited.writer(require(name), options);
    }

    /**
     * {@link #writer(String, PipeOptions)} with the default options. Never blocks.
     *
     * @param name the name
     * @return the writer, which owns the descriptor
     * @throws FifoException none of that name was passed, or it is not a writable FIFO or pipe
     */
    public FifoWriter writer(String name) throws FifoException {
        return writer(name, PipeOptions.defaults());
    }
}
