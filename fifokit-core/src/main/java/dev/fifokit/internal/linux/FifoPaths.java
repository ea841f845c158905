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
 * <p>Results follow {@link Libc}: a descriptor or {@code -errno}. {@link #pin} does not judge
 * what a pinned file is: {@link Handle} carries its {@link Stat}; {@link #pinFifo} also turns a
 * symlink or a file of another type into the exception ({@link Errors#checkFifo}).
 */
public final class FifoPaths {
    private FifoPaths() {}

    /**
     * A pinned O_PATH handle and what it is: {@code fd >= 0} and its {@code stat}, or
     * {@code fd = -errno} (and a failed stat) when the path could not be pinned.
     */
    public record Handle(int fd, Stat stat) {
        public boolean ok() {
            return fd >= 0;
        }
    }

    /**
     * Opens an O_PATH handle to {@code path} (not following a final symlink unless
     * {@code follow}: the handle is then the link itself) and reads what it is. The caller
     * closes {@link Handle#fd()} when it is {@code >= 0}, whatever the file turned out to be.
     */
    public static Handle pin(Path path, boolean follow) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            int flags = Flags.O_PATH | Flags.O_CLOEXEC | (follow ? 0 : Flags.O_NOFOLLOW);
            int fd = Libc.open(st, arena.allocateFrom(path.toString()), flags, 0);
            if (fd < 0) {
                return new Handle(fd, Stat.failed(-fd));
            }
            Stat s = Stat.of(fd);
            if (!s.ok()) {
                Libc.close(st, fd);
                return new Handle(-s.errno(), s);
            }
            return new Handle(fd, s);
        }
    }

    /**
     * As {@link #pin}, and checks that the file is a FIFO: the one check every use of a FIFO by
     * path starts with. The caller closes the returned handle's descriptor; on failure nothing
     * stays open.
     *
     * @throws dev.fifokit.FifoException the pin failed, the path is a symlink not to be followed,
     *         or the file is not a FIFO
     */
    public static Handle pinFifo(Path path, boolean follow, String operation) throws dev.fifokit.FifoException {
        Handle h = pin(path, follow);
        dev.fifokit.FifoException bad = Errors.checkFifo(path, h.stat(), operation);
        if (bad != null) {
            if (h.ok()) {
                close(h.fd());
            }
            throw bad;
        }
        return h;
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

    /** True when {@code /proc} is mounted (this process's /proc/self/fd can be read). */
    public static boolean procMounted() {
        Stat s = Stat.of("/proc/self/fd", true);
        return s.ok() && s.isDirectory();
    }

    /**
     * Opens the FIFO pinned by {@code pathFd} (found at {@code path}, with {@code identity})
     * again with {@code accessMode}, non-blocking and close-on-exec. Through /proc/self/fd when
     * /proc is mounted; else through the path itself, then checked to be the same file (device
     * and inode), so a file swapped in meanwhile is refused (-ESTALE) rather than used.
     */
    public static int reopen(int pathFd, Path path, Stat identity, boolean follow, int accessMode) {
        int fd = reopen(pathFd, accessMode);
        if (fd != -Errors.ENOENT || procMounted()) {
            return fd;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            fd = Libc.open(st, arena.allocateFrom(path.toString()),
                    accessMode | Flags.O_NONBLOCK | Flags.O_CLOEXEC | (follow ? 0 : Flags.O_NOFOLLOW), 0);
            if (fd < 0) {
                return fd;
            }
            Stat now = Stat.of(fd);
            if (!now.ok() || !now.sameFile(identity)) {
                Libc.close(st, fd);
                return -Errors.ESTALE;
            }
            return fd;
        }
    }

    /**
     * Opens {@code path} directly, without a pinned handle: one open(2) with {@code accessMode}
     * and {@code O_NONBLOCK|O_NOFOLLOW|O_NOCTTY|O_CLOEXEC} (a final symlink fails with ELOOP, the
     * open never waits, a terminal never becomes the controlling one). The file is not checked
     * before it is opened, so this is only for a directory nobody but this user can write; the
     * caller checks the descriptor ({@link Stat#of(int)}) before using it. A descriptor or -errno.
     */
    public static int openDirect(Path path, int accessMode) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.open(Libc.newCallState(arena), arena.allocateFrom(path.toString()),
                    accessMode | Flags.O_NONBLOCK | Flags.O_NOFOLLOW | Flags.O_NOCTTY | Flags.O_CLOEXEC, 0);
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

    /** mkfifo(3) with {@code mode}; the umask still applies, see {@link #chmodPinned}. */
    public static int mkfifo(Path path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.mkfifo(Libc.newCallState(arena), arena.allocateFrom(path.toString()), mode);
        }
    }

    /**
     * chmod through a pinned handle, so the mode lands on the file we created. Without /proc,
     * the FIFO is opened by path (non-blocking: for reading, else for writing), checked to be the
     * pinned file, and fchmod-ed.
     */
    public static int chmodPinned(int pathFd, Path path, Stat identity, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            int r = Libc.chmod(st, arena.allocateFrom("/proc/self/fd/" + pathFd), mode);
            if (r != -Errors.ENOENT || procMounted()) {
                return r;
            }
            int fd = reopen(pathFd, path, identity, false, Flags.O_RDONLY);
            if (fd == -Errors.EACCES) {
                fd = reopen(pathFd, path, identity, false, Flags.O_WRONLY);
            }
            if (fd < 0) {
                return fd;
            }
            try {
                return Libc.fchmod(st, fd, mode);
            } finally {
                Libc.close(st, fd);
            }
        }
    }

    public static int unlink(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.unlink(Libc.newCallState(arena), arena.allocateFrom(path.toString()));
        }
    }

    /**
     * pipe2(O_NONBLOCK|O_CLOEXEC): the read descriptor in the low 32 bits and the write
     * descriptor in the high 32 bits, or -errno.
     */
    public static long pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(8, 4);
            int r = Libc.pipe2(Libc.newCallState(arena), fds, Flags.O_NONBLOCK | Flags.O_CLOEXEC);
            if (r < 0) {
                return r;
            }
            return Integer.toUnsignedLong(fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 0))
                    | ((long) fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 4) << 32);
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
