package dev.fifokit;

import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.SystemLimits;

import java.nio.file.Path;

/**
 * The limits that shape pipe and FIFO use, read from this kernel and process (the seed's
 * {@code pathconf(_PC_PIPE_BUF)} and {@code sysconf(_SC_OPEN_MAX)}, and more).
 *
 * @param pipeBuf          PIPE_BUF: writes of at most this many bytes are atomic
 * @param openMax          sysconf(_SC_OPEN_MAX)
 * @param descriptorLimit  the soft RLIMIT_NOFILE ({@code ulimit -n})
 * @param descriptorHardLimit the hard RLIMIT_NOFILE
 * @param defaultCapacity  the capacity of a new pipe (F_GETPIPE_SZ)
 * @param maxCapacity      /proc/sys/fs/pipe-max-size: the most an unprivileged F_SETPIPE_SZ may ask
 * @param pageSize         the page size; capacities are whole pages
 */
public record Limits(long pipeBuf, long openMax, long descriptorLimit, long descriptorHardLimit,
                     long defaultCapacity, long maxCapacity, long pageSize) {

    /** The smallest PIPE_BUF POSIX allows; used only if the kernel cannot be asked. */
    public static final int PIPE_BUF_POSIX_MIN = 512;

    /** Reads every limit. PIPE_BUF is asked of the root directory, as the seed does of /boot. */
    public static Limits read() {
        long[] nofile = SystemLimits.descriptorLimits();
        long pipeBuf = SystemLimits.pipeBuf(Path.of("/"));
        return new Limits(pipeBuf > 0 ? pipeBuf : PIPE_BUF_POSIX_MIN,
                SystemLimits.sysconf(Flags.SC_OPEN_MAX), nofile[0], nofile[1],
                SystemLimits.defaultCapacity(), SystemLimits.maxCapacity(),
                SystemLimits.sysconf(Flags.SC_PAGESIZE));
    }

    /**
     * PIPE_BUF for the file system that holds {@code path} (pathconf).
     *
     * @throws FifoException naming the path when it cannot be asked (missing path, …)
     */
    public static long pipeBuf(Path path) throws FifoException {
        long r = SystemLimits.pipeBuf(path);
        if (r < 0) {
            throw Errors.of(path, (int) -r, "pathconf(_PC_PIPE_BUF)");
        }
        return r;
    }

    /** /proc/sys/fs/pipe-max-size, or -1 when unreadable. */
    public static long pipeMaxSize() {
        return SystemLimits.maxCapacity();
    }
}
