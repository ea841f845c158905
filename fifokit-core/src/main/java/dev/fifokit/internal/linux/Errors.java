package dev.fifokit.internal.linux;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.DescriptorLimitException;
import dev.fifokit.FifoAccessDeniedException;
import dev.fifokit.FifoException;
import dev.fifokit.FifoExistsException;
import dev.fifokit.NoReaderException;
import dev.fifokit.NoSuchFifoException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.NotSeekableException;
import dev.fifokit.PipeCapacityException;
import dev.fifokit.SymlinkException;

import java.nio.file.Path;

/**
 * errno values and their one translation into fifokit exceptions. Every failed call in the
 * library ends here, so each errno means the same thing everywhere.
 */
public final class Errors {
    private Errors() {}

    /**
     * Loads every class an error report needs. Called when the first end is opened: once
     * the process is out of descriptors, loading a class from a directory would fail too, and
     * the user would get a NoClassDefFoundError instead of the DescriptorLimitException.
     */
    public static void preload() {
        Class<?>[] needed = {BrokenPipeException.class, DescriptorLimitException.class,
                FifoAccessDeniedException.class, FifoException.class, FifoExistsException.class,
                NoReaderException.class, NoSuchFifoException.class, NotAFifoException.class,
                NotSeekableException.class, SymlinkException.class, DescriptorLimit.class};
        if (needed.length == 0 || DescriptorLimit.soft() == Long.MIN_VALUE) {
            throw new AssertionError();
        }
        describe(EBADF);
    }

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EPIPE = 32;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int ESTALE = 116;

    /** The symbolic name of an errno, e.g. {@code "ENXIO"}. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case ENXIO -> "ENXIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENOTDIR -> "ENOTDIR";
            case EISDIR -> "EISDIR";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case ESPIPE -> "ESPIPE";
            case EROFS -> "EROFS";
            case EPIPE -> "EPIPE";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case ELOOP -> "ELOOP";
            case ESTALE -> "ESTALE";
            default -> "errno " + errno;
        };
    }

    /** "No such device or address (ENXIO)". */
    public static String describe(int errno) {
        return Libc.strerror(errno) + " (" + name(errno) + ")";
    }

    /**
     * The exception for a failed call on {@code path}. {@code operation} names what was
     * attempted ("open for writing", "create") for the errors that have no better words.
     */
    public static FifoException of(Path path, int errno, String operation) {
        return switch (errno) {
            case ENOENT -> new NoSuchFifoException(path, "no such file or directory");
            case ENOTDIR -> new NoSuchFifoException(path, "a component of the path is not a directory");
            case EACCES, EPERM -> new FifoAccessDeniedException(path, "permission denied (" + operation + ")");
            case EROFS -> new FifoAccessDeniedException(path, "read-only file system (" + operation + ")");
            case ELOOP -> new SymlinkException(path, "is a symbolic link (not followed)");
            case EEXIST -> new FifoExistsException(path, "exists");
            case ENXIO -> new NoReaderException(path, "no reader has the FIFO open");
            case EPIPE -> new BrokenPipeException(path, 0);
            case ESPIPE -> new NotSeekableException(path, "FIFOs and pipes are not seekable");
            case EMFILE -> new DescriptorLimitException(path, "too many open files: this process reached its limit of "
                    + DescriptorLimit.soft() + " descriptors (ulimit -n)");
            case ENFILE -> new DescriptorLimitException(path,
                    "too many open files in the system (see /proc/sys/fs/file-max)");
            case EISDIR -> new NotAFifoException(path, "exists and is not a FIFO (it is a directory)");
            case ESTALE -> new FifoException(path, "was replaced by another file while it was being opened ("
                    + operation + ")");
            default -> new FifoException(path, operation + " failed: " + describe(errno));
        };
    }

    /**
     * The exception for a failed write that had already moved {@code written} bytes of the
     * same call: EPIPE says how many reached the pipe, anything else as {@link #of}.
     */
    public static FifoException ofWrite(Path path, int errno, String operation, long written) {
        return ofWrite(path, path, errno, operation, written);
    }

    /**
     * As above for a move from {@code from} to {@code to}: a broken pipe names the destination
     * ({@code null} when it is a descriptor with no path, such as standard output: the CLI
     * then ends quietly, as a shell tool does when its reader goes away); any other error
     * names the destination, else the source.
     */
    public static FifoException ofWrite(Path to, Path from, int errno, String operation, long written) {
        if (errno == EPIPE) {
            return new BrokenPipeException(to, written);
        }
        return of(to != null ? to : from, errno, operation);
    }

    /**
     * The exception for a refused F_SETPIPE_SZ to {@code bytes}: EPERM is the per-system limit
     * ({@code max}, from /proc/sys/fs/pipe-max-size), EBUSY a pipe holding more than that.
     */
    public static FifoException capacity(Path path, int errno, int bytes, long max) {
        return switch (errno) {
            case EPERM -> new PipeCapacityException(path, "cannot set the capacity to " + bytes
                    + " bytes: the limit in /proc/sys/fs/pipe-max-size is " + max
                    + " and only CAP_SYS_RESOURCE may go past it");
            case EBUSY -> new PipeCapacityException(path, "cannot shrink the capacity to " + bytes
                    + " bytes: more bytes than that are queued in the pipe");
            default -> of(path, errno, "set pipe capacity");
        };
    }

    /**
     * The check every open by path starts with: null when {@code stat} is a FIFO, else the
     * exception to throw (the call failed, a symlink that was not to be followed, another type).
     */
    public static FifoException checkFifo(Path path, Stat stat, String operation) {
        if (!stat.ok()) {
            return of(path, stat.errno(), operation);
        }
        if (stat.isSymlink()) {
            return new SymlinkException(path, "is a symbolic link; refusing to follow it (ask to follow symlinks)");
        }
        if (!stat.isFifo()) {
            return notAFifo(path, stat.mode());
        }
        return null;
    }

    /**
     * As {@link #of}, for a call that re-opens a descriptor through {@code /proc/self/fd}: when
     * {@code /proc} is not mounted, says so instead of a misleading "no such file".
     */
    public static FifoException ofReopen(Path path, int errno, String operation) {
        if (errno == ENOENT && !FifoPaths.procMounted()) {
            return new FifoException(path, operation + " needs /proc to be mounted (it re-opens the FIFO"
                    + " through /proc/self/fd), and /proc is not mounted here");
        }
        return of(path, errno, operation);
    }

    /** The type check every open and create ends with. */
    public static NotAFifoException notAFifo(Path path, int mode) {
        String what = switch (mode & Flags.S_IFMT) {
            case Flags.S_IFREG -> "a regular file";
            case Flags.S_IFDIR -> "a directory";
            case Flags.S_IFLNK -> "a symbolic link";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> "not a FIFO";
        };
        return new NotAFifoException(path, "exists and is not a FIFO (it is " + what + ")");
    }

    /** Reads the soft RLIMIT_NOFILE without creating a dependency cycle with the public Limits. */
    static final class DescriptorLimit {
        static long soft() {
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                var st = Libc.newCallState(arena);
                var rl = arena.allocate(16, 8);
                if (Libc.getrlimit(st, Flags.RLIMIT_NOFILE, rl) < 0) {
                    return -1;
                }
                return rl.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
            }
        }
    }
}
