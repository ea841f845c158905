package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * What fifokit needs of a file's metadata, read with statx(2), whose {@code struct statx}
 * has the same layout on every architecture (unlike {@code struct stat}).
 *
 * <p>Like every result that crosses the internal boundary, a failed call does not throw and
 * does not return null: it returns a {@code Stat} whose {@link #errno()} is non-zero (and whose
 * other fields are 0, so it is neither a FIFO nor a directory). {@link Errors} turns the errno
 * into the exception.
 *
 * @param mode the full st_mode (type and permission bits)
 * @param uid  owner
 * @param nlink how many names the file has (hard links)
 * @param dev  st_dev encoded like glibc's makedev, so it equals the JDK's {@code unix:dev}
 * @param ino  inode number
 * @param rdev the device a character or block device file stands for (glibc makedev), else 0
 * @param errno 0 when statx succeeded, else why it failed
 */
public record Stat(int mode, int uid, int nlink, long dev, long ino, long rdev, int errno) {
    private static final long SIZE = 256;
    private static final long NLINK = 16;
    private static final long UID = 20;
    private static final long MODE = 28;
    private static final long INO = 32;
    private static final long RDEV_MAJOR = 128;
    private static final long RDEV_MINOR = 132;
    private static final long DEV_MAJOR = 136;
    private static final long DEV_MINOR = 140;

    /** True when the call succeeded and the fields are the file's. */
    public boolean ok() {
        return errno == 0;
    }

    static Stat failed(int errno) {
        return new Stat(0, 0, 0, 0, 0, 0, errno);
    }

    public boolean isFifo() {
        return (mode & Flags.S_IFMT) == Flags.S_IFIFO;
    }

    public boolean isSymlink() {
        return (mode & Flags.S_IFMT) == Flags.S_IFLNK;
    }

    public boolean isDirectory() {
        return (mode & Flags.S_IFMT) == Flags.S_IFDIR;
    }

    /** Permission bits only, e.g. 0600. */
    public int permissions() {
        return mode & 07777;
    }

    /** True for /dev/null (character device 1:3), which never blocks and is always ready. */
    public boolean isDevNull() {
        return (mode & Flags.S_IFMT) == 0020000 && rdev == makedev(1, 3);
    }

    public boolean sameFile(Stat other) {
        return dev == other.dev && ino == other.ino;
    }

    /** statx of an open descriptor (AT_EMPTY_PATH, so an O_PATH handle works too). */
    public static Stat of(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            MemorySegment buf = arena.allocate(SIZE, 8);
            int r = Libc.statx(st, fd, arena.allocateFrom(""), Flags.AT_EMPTY_PATH,
                    Flags.STATX_BASIC_STATS, buf);
            return decode(r, buf);
        }
    }

    /** statx of a path, following a final symlink only when asked. */
    public static Stat of(String path, boolean followLinks) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            MemorySegment buf = arena.allocate(SIZE, 8);
            int r = Libc.statx(st, Flags.AT_FDCWD, arena.allocateFrom(path),
                    followLinks ? 0 : Flags.AT_SYMLINK_NOFOLLOW, Flags.STATX_BASIC_STATS, buf);
            return decode(r, buf);
        }
    }

    private static Stat decode(int r, MemorySegment buf) {
        if (r < 0) {
            return failed(-r);
        }
        int mode = Short.toUnsignedInt(buf.get(JAVA_SHORT, MODE));
        int uid = buf.get(JAVA_INT, UID);
        int nlink = buf.get(JAVA_INT, NLINK);
        long ino = buf.get(JAVA_LONG, INO);
        long major = Integer.toUnsignedLong(buf.get(JAVA_INT, DEV_MAJOR));
        long minor = Integer.toUnsignedLong(buf.get(JAVA_INT, DEV_MINOR));
        long rmajor = Integer.toUnsignedLong(buf.get(JAVA_INT, RDEV_MAJOR));
        long rminor = Integer.toUnsignedLong(buf.get(JAVA_INT, RDEV_MINOR));
        return new Stat(mode, uid, nlink, makedev(major, minor), ino, makedev(rmajor, rminor), 0);
    }

    /** glibc's gnu_dev_makedev. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }
}
