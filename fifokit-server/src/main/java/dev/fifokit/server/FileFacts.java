package dev.fifokit.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the kernel says about a file the server is about to use or remove: type, owner, link
 * count and identity. Taken from an open descriptor (through {@code /proc/self/fd}, which
 * stats the open file itself, like fstat) or from a name without following a symlink.
 */
record FileFacts(int mode, int uid, int nlink, long dev, long ino) {
    private static final String ATTRS = "unix:mode,uid,nlink,dev,ino";
    private static final int S_IFMT = 0170000;

    /** The file open on descriptor {@code fd} of this process. */
    static FileFacts ofDescriptor(int fd) throws IOException {
        return of(Files.readAttributes(Path.of("/proc/self/fd/" + fd), ATTRS));
    }

    /** What the open of {@code end} saw of its file (no system call). */
    static FileFacts ofOpened(dev.fifokit.ends.FifoEnd end) throws IOException {
        dev.fifokit.ends.OpenedFile f = end.openedFile();
        if (f == null) {
            return ofDescriptor(end.descriptor());
        }
        return new FileFacts(f.mode(), f.owner(), f.links(), f.device(), f.inode());
    }

    /** The file named {@code path} (a symlink itself, not its target); null when there is none. */
    static FileFacts ofPath(Path path) throws IOException {
        try {
            return of(Files.readAttributes(path, ATTRS, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static FileFacts of(Map<String, Object> a) {
        return new FileFacts((Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("nlink"),
                (Long) a.get("dev"), (Long) a.get("ino"));
    }

    boolean isFifo() {
        return (mode & S_IFMT) == 0010000;
    }

    boolean isRegularFile() {
        return (mode & S_IFMT) == 0100000;
    }

    boolean sameFile(FileFacts other) {
        return other != null && dev == other.dev && ino == other.ino;
    }

    /**
     * Why this file must not be used as a client's FIFO, or null when it may: it must be a FIFO
     * with exactly one name (a hard link could be another file of the server's, or anyone's),
     * owned by {@code owner} unless {@code owner} is null.
     */
    String refusal(Integer owner) {
        if (!isFifo()) {
            return "not a FIFO";
        }
        if (nlink != 1) {
            return "has " + nlink + " names (a hard link is never used)";
        }
        if (owner != null && uid != owner) {
            return "owned by uid " + Integer.toUnsignedString(uid) + ", not by uid " + Integer.toUnsignedString(owner);
        }
        return null;
    }
}
