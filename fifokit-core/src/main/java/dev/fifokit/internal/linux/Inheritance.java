package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw checks and flag changes on a descriptor fifokit did not open: one this process inherited
 * (adoption) or one it hands to a child. Results follow {@link Libc}: {@code >= 0} or
 * {@code -errno}.
 */
public final class Inheritance {
    private Inheritance() {}

    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int FD_CLOEXEC = 1;
    /** {@code f_type} of an anonymous pipe's file system (pipefs). */
    public static final long PIPEFS_MAGIC = 0x50495045L;

    /** struct statfs: 120 bytes on x86-64 and aarch64, {@code f_type} a long at offset 0. */
    private static final long STATFS_SIZE = 128;

    private static final class Fstatfs {
        static final MethodHandle H = Libc.generic("fstatfs");
    }

    private static final class Tee {
        static final MethodHandle H = Libc.generic("tee");
    }

    /**
     * Whether a FIFO's read end {@code fd} has a writer now, or had one that wrote or left,
     * without taking a byte out of the pipe: tee(2) copies at most one byte into a scratch
     * pipe (and fails with EAGAIN when a writer is open and the pipe is empty, returns 0 when
     * no writer is open). Never blocks.
     *
     * @return 1 yes, 0 no, or -errno
     */
    public static int writerSeen(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            MemorySegment fds = arena.allocate(8, 4);
            int r = Libc.pipe2(st, fds, Flags.O_NONBLOCK | Flags.O_CLOEXEC);
            if (r < 0) {
                return r;
            }
            int in = fds.get(JAVA_INT, 0);
            int out = fds.get(JAVA_INT, 4);
            try {
                long n;
                try {
                    n = (long) Tee.H.invokeExact(st, (long) fd, (long) out, 1L, (long) Flags.SPLICE_F_NONBLOCK, 0L, 0L);
                } catch (Throwable t) {
                    throw Libc.rethrow(t);
                }
                if (n > 0) {
                    return 1;
                }
                if (n == 0) {
                    // no writer now; one that came and left is reported as a hang-up
                    return (pollNow(arena, st, fd) & Flags.POLLHUP) != 0 ? 1 : 0;
                }
                int errno = Libc.errno(st);
                return errno == Errors.EAGAIN ? 1 : -errno;
            } finally {
                Libc.close(st, in);
                Libc.close(st, out);
            }
        }
    }

    private static int fcntl(int fd, int cmd, int arg) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.fcntl(Libc.newCallState(arena), fd, cmd, arg);
        }
    }

    /** F_GETFL: the access mode and status flags, or -errno (EBADF: not open). */
    public static int statusFlags(int fd) {
        return fcntl(fd, Flags.F_GETFL, 0);
    }

    /** Sets O_NONBLOCK on the open file description (shared with every holder of it). */
    public static int setNonBlocking(int fd, boolean on) {
        int flags = statusFlags(fd);
        if (flags < 0) {
            return flags;
        }
        int want = on ? flags | Flags.O_NONBLOCK : flags & ~Flags.O_NONBLOCK;
        return want == flags ? 0 : fcntl(fd, Flags.F_SETFL, want);
    }

    /** F_GETFD: FD_CLOEXEC or 0, or -errno. */
    public static int descriptorFlags(int fd) {
        return fcntl(fd, F_GETFD, 0);
    }

    /** Marks the descriptor close-on-exec (this descriptor only). */
    public static int setCloseOnExec(int fd) {
        return fcntl(fd, F_SETFD, FD_CLOEXEC);
    }

    /**
     * Gives descriptor {@code fd} a private open file description: the same pipe opened again
     * through {@code /proc/self/fd} with {@code accessMode|O_NONBLOCK|O_CLOEXEC}, put in place
     * with dup3 so the number stays. Whoever else holds the old description (the parent) keeps
     * its flags. The pipe never loses its reader or writer on the way (the new open comes
     * first). Returns 0 or -errno: ENXIO for a FIFO writer with no reader, ENOENT without
     * /proc, EACCES when the FIFO's permissions no longer let this process open it, EAGAIN
     * when {@code keepHangup} is set and the old description reports a hang-up the new one
     * would not.
     *
     * @param keepHangup for a FIFO's reader: a description opened after every writer left
     *                   does not report the hang-up (the kernel waits for a new writer), so
     *                   the end would wait instead of seeing end of stream; refuse then
     */
    public static int reopenInPlace(int fd, int accessMode, boolean keepHangup) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            int fresh = FifoPaths.reopen(st, fd, accessMode);
            if (fresh < 0) {
                return fresh;
            }
            // checked after the new open: a writer that leaves in between is seen here
            if (keepHangup && (pollNow(arena, st, fd) & Flags.POLLHUP) != 0
                    && (pollNow(arena, st, fresh) & Flags.POLLHUP) == 0) {
                Libc.close(st, fresh);
                return -Errors.EAGAIN;
            }
            int r = Libc.dup3(st, fresh, fd, Flags.O_CLOEXEC);
            Libc.close(st, fresh);
            return r < 0 ? r : 0;
        }
    }

    /** poll(2) for POLLIN with a zero timeout: the revents now. */
    private static short pollNow(Arena arena, MemorySegment st, int fd) {
        MemorySegment p = arena.allocate(8, 8);
        p.set(JAVA_INT, 0, fd);
        p.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, Flags.POLLIN);
        int r = Libc.poll(st, p, 1, 0);
        return r > 0 ? p.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6) : 0;
    }

    /** A close-on-exec duplicate numbered at least {@code minimum}, or -errno. */
    public static int duplicateAbove(int fd, int minimum) {
        return fcntl(fd, F_DUPFD_CLOEXEC, minimum);
    }

    /** The file system type ({@code f_type} of fstatfs), or -errno. */
    public static long fileSystemType(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            MemorySegment buf = arena.allocate(STATFS_SIZE, 8);
            int r;
            try {
                r = Libc.resultOf((int) (long) Fstatfs.H.invokeExact(st, (long) fd, Libc.addr(buf), 0L, 0L, 0L, 0L), st);
            } catch (Throwable t) {
                throw Libc.rethrow(t);
            }
            return r < 0 ? r : buf.get(JAVA_LONG, 0);
        }
    }
}
