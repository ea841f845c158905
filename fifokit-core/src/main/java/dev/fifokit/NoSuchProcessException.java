package dev.fifokit;

import java.nio.file.Path;

/**
 * The process does not exist (any more): {@code /proc/<pid>} is gone, or the pid is not a
 * valid process id. The path is {@code /proc/<pid>}, so the message reads
 * {@code "/proc/4242: no such process"}.
 */
public final class NoSuchProcessException extends FifoException {
    private static final long serialVersionUID = 1L;

    /** The process id that was asked for. */
    private final long pid;

    /**
     * No process has id {@code pid} (any more).
     *
     * @param pid the process id asked for
     */
    public NoSuchProcessException(long pid) {
        this(pid, null);
    }

    /**
     * No process has id {@code pid} (any more).
     *
     * @param pid   the process id asked for
     * @param cause the underlying failure, or {@code null}
     */
    public NoSuchProcessException(long pid, Throwable cause) {
        super(Path.of("/proc", Long.toString(pid)), "no such process", cause);
        this.pid = pid;
    }

    /** {@return the process id that was asked for} */
    public long pid() {
        return pid;
    }
}
