package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Opening, creating and removing FIFOs by path, safely: every open goes through an
 * {@code O_PATH|O_NOFOLLOW} handle that is checked to be a FIFO and then re-opened through
 * {@code /proc/self/fd}, so the file that was checked is the file that is opened, even if
 * someone swaps the name in between, and no device driver's open ever runs.
 *
 * <p>Results follow {@link Libc}: a descriptor or {@code -errno}, plus the synthetic codes
 * below for "not a FIFO" and "symlink".
 */
public final class Fifos {
    private Fifos() {}

    /** Returned (negated) when the path exists and is not a FIFO. */
    public static final int NOT_FIFO = 10_001;
    /** Returned (negated) when the path is a symlink that we were told not to follow. */
    public static final int SYMLINK = 10_002;

    /** A pinned O_PATH handle and what it is. */
    public record Handle(int fd, Stat stat) {}

    /**
     * Opens an O_PATH handle to {@code path}. Fails with {@code -SYMLINK} for a symlink when
     * {@code follow} is false, and with {@code -NOT_FIFO} (stat filled in) for a non-FIFO.
     */
    public static Handle pin(Path path, boolean follow, Stat[] found, int[] errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            int flags = Flags.O_PATH | Flags.O_CLOEXEC | (follow ? 0 : Flags.O_NOFOLLOW);
            int fd = Libc.open(st, arena.allocateFrom(path.toString()), flags, 0);
            if (fd < 0) {
                errno[0] = -fd;
                return null;
            }
            Stat s = Stat.of(fd, errno);
            if (s == null) {
                Libc.close(st, fd);
                return null;
            }
            found[0] = s;
            if (s.isSymlink()) {
                Libc.close(st, fd);
                errno[0] = SYMLINK;
                return null;
            }
            if (!s.isFifo()) {
                Libc.close(st, fd);
                errno[0] = NOT_FIFO;
                return null;
            }
            return new Handle(fd, s);
        }
    }

    /**
     * Opens the file behind descriptor {@code fd} again, non-blocking and close-on-exec; the new
     * descriptor or -errno. Allocates nothing that outlives the call (no automatic arena).
     */
    public static int reopen(int fd, int accessMode) {
        try (Arena arena = Arena.ofConfined()) {
            return reopen(Libc.newCallState(arena), fd, accessMode);
        }
    }

    /** As {@link #reopen(int, int)}, with errno captured in {@code state}. */
    public static int reopen(MemorySegment state, int fd, int accessMode) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.open(state, arena.allocateFrom("/proc/self/fd/" + fd),
                    accessMode | Flags.O_NONBLOCK | Flags.O_CLOEXEC, 0);
        }
    }

    public static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.close(Libc.newCallState(arena), fd);
        }
    }

    /** mkfifo(3) with {@code mode}; the umask still applies, see {@link #chmod}. */
    public static int mkfifo(Path path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.mkfifo(Libc.newCallState(arena), arena.allocateFrom(path.toString()), mode);
        }
    }

    /** chmod through a pinned handle, so the mode lands on the file we created. */
    public static int chmodPinned(int pathFd, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.chmod(Libc.newCallState(arena), arena.allocateFrom("/proc/self/fd/" + pathFd), mode);
        }
    }

    public static int unlink(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.unlink(Libc.newCallState(arena), arena.allocateFrom(path.toString()));
        }
    }

    /** pipe2(O_NONBLOCK|O_CLOEXEC): {read, write}, or null with errno set. */
    public static int[] pipe(int[] errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(8, 4);
            int r = Libc.pipe2(Libc.newCallState(arena), fds, Flags.O_NONBLOCK | Flags.O_CLOEXEC);
            if (r < 0) {
                errno[0] = -r;
                return null;
            }
            return new int[] {fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 0),
                    fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 4)};
        }
    }

    /** Opens an ordinary file for splice targets and sources (not through O_PATH: any type). */
    public static int openFile(Path path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.open(Libc.newCallState(arena), arena.allocateFrom(path.toString()),
                    flags | Flags.O_CLOEXEC, mode);
        }
    }

    public static int geteuid() {
        return Libc.geteuid();
    }
}
