package dev.fifokit;

import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.SystemLimits;

import java.nio.file.Path;

/**
 * The limits that shape pipe and FIFO use, read from this kernel and process (what C
 * programs ask {@code pathconf(_PC_PIPE_BUF)} and {@code sysconf(_SC_OPEN_MAX)} for, and more).
 *
 * @param pipeBuf          PIPE_BUF: writes of at most this many bytes are atomic (4096 on Linux)
 * @param openMax          sysconf(_SC_OPEN_MAX), which glibc answers with the soft RLIMIT_NOFILE
 * @param descriptorLimit  the soft RLIMIT_NOFILE ({@code ulimit -n})
 * @param descriptorHardLimit the hard RLIMIT_NOFILE
 * @param defaultCapacity  the capacity of a new pipe (what F_GETPIPE_SZ reports for it)
 * @param maxCapacity      /proc/sys/fs/pipe-max-size: the most an unprivileged F_SETPIPE_SZ may ask
 * @param pageSize         the page size (sysconf(_SC_PAGESIZE), AT_PAGESZ); capacities are whole pages
 */
public record Limits(long pipeBuf, long openMax, long descriptorLimit, long descriptorHardLimit,
                     long defaultCapacity, long maxCapacity, long pageSize) {

    /** The smallest PIPE_BUF POSIX allows; used only if the kernel cannot be asked. */
    public static final int PIPE_BUF_POSIX_MIN = 512;

    /**
     * Reads every limit, without an FFM downcall when /proc is mounted (this is on the start-up
     * path of {@code fifokit limits}): the descriptor limits from {@code /proc/self/limits}, the
     * page size from {@code /proc/self/auxv}, the default capacity by filling a new pipe, and
     * PIPE_BUF as glibc's pathconf gives it, Linux's constant 4096. {@link #pipeBuf(Path)} still
     * asks pathconf for a given path. Never throws: a number that cannot be read is -1 (or
     * -errno for the default capacity). Never blocks.
     *
     * @return the limits of this process and system
     */
    public static Limits read() {
        long[] nofile = SystemLimits.descriptorLimits();
        long pageSize = SystemLimits.pageSize();
        return new Limits(SystemLimits.PIPE_BUF, SystemLimits.openMax(nofile[0]), nofile[0], nofile[1],
                SystemLimits.defaultCapacity(pageSize), SystemLimits.maxCapacity(), pageSize);
    }

    /**
     * PIPE_BUF for the file system that holds {@code path} (pathconf). Never blocks.
     *
     * @param path a file on the file system to ask about
     * @return PIPE_BUF in bytes
     * @throws FifoException naming the path when it cannot be asked (missing path, …)
     */
    public static long pipeBuf(Path path) throws FifoException {
        long r = SystemLimits.pipeBuf(path);
        if (r < 0) {
            throw Errors.of(path, (int) -r, "pathconf(_PC_PIPE_BUF)");
        }
        return r;
    }

    /**
     * The largest capacity an unprivileged process may give a pipe. Never blocks.
     *
     * @return /proc/sys/fs/pipe-max-size, or -1 when unreadable
     */
    public static long pipeMaxSize() {
        return SystemLimits.maxCapacity();
    }
}
