package dev.fifokit.server;

import dev.fifokit.FifoException;
import dev.fifokit.SymlinkException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;

/**
 * The directory a server owns: created 0700 (1733 when shared: anyone may add a FIFO, nobody
 * may list the directory or remove another's file) when missing, else checked to be a
 * directory (not a symlink) owned by this user; and the lock on {@code server.lock} that makes
 * it one server per directory. The lock is an fcntl lock held through an open descriptor, so
 * it disappears with the process however it dies: a crashed server never blocks the next one.
 *
 * <p>{@code server.lock} is never created over anything nor truncated blindly: an existing one
 * is used only when it is a regular file with one name owned by this user (anything else
 * there is removed, which only the directory's owner may do, and the file created afresh with
 * {@code O_EXCL}), and after the lock is taken the name must still be that same file. It is
 * removed, while still locked, when the server stops cleanly.
 */
final class ServerDirectory implements AutoCloseable {
    private final Path dir;
    private final int owner;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileFacts lockIdentity;
    /** Whether no other user can replace the directory or any directory above it (checked once, when claimed). */
    private final boolean trustedPath;

    private ServerDirectory(Path dir, int owner, Path lockFile, FileChannel lockChannel, FileLock lock, FileFacts lockIdentity) {
        this.dir = dir;
        this.trustedPath = onlyOwnerCanChange(dir, owner);
        this.owner = owner;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.lockIdentity = lockIdentity;
    }

    Path path() {
        return dir;
    }

    /** The directory's owner: this process's user. */
    int owner() {
        return owner;
    }

    /**
     * Whether nobody but this user (and root) can add, replace or remove files in the directory
     * now: it is ours and not writable by group or others (mode bits, which include any ACL
     * mask), and no directory above it can be replaced by another user (each is root's or ours,
     * and not writable by others or sticky). Then a name in it is what this user put there
     * (a client's FIFO, made by this user's clients), and a reply FIFO may be opened directly.
     * A shared directory (1733) never is. Costs one stat of the directory.
     */
    boolean onlyOwnerWrites() {
        if (!trustedPath) {
            return false;
        }
        try {
            FileFacts s = FileFacts.ofPath(dir);
            return s != null && (s.mode() & 0170000) == 0040000 && s.uid() == owner && (s.mode() & 0022) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Each directory on the way to {@code dir}, both as named (a symlink among them must be
     * root's or {@code me}'s) and as resolved, is root's or {@code me}'s, and others cannot
     * write it unless it is sticky (they then cannot rename or remove what is ours).
     */
    private static boolean onlyOwnerCanChange(Path dir, int me) {
        try {
            Path named = dir.toAbsolutePath().normalize();
            return onlyOwnerCanChangeChain(named, me) && onlyOwnerCanChangeChain(named.toRealPath(), me);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onlyOwnerCanChangeChain(Path dir, int me) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            FileFacts s = FileFacts.ofPath(p); // the name itself: a symlink is judged as one
            if (s == null || (s.uid() != 0 && s.uid() != me)) {
                return false;
            }
            boolean symlink = (s.mode() & 0170000) == 0120000;
            if (!symlink && (s.mode() & 0022) != 0 && (s.mode() & 01000) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Prepares {@code dir} and takes its lock.
     *
     * @throws ServerBusyException another server holds the lock
     * @throws FifoException       the directory is unusable (not a directory, a symlink, someone
     *                             else's) or cannot be created, or the lock file cannot be made safe
     */
    static ServerDirectory claim(Path dir, boolean shared, Consumer<String> log) throws IOException {
        int me = prepare(dir, shared, log);
        Path lockFile = dir.resolve(ServerProtocol.LOCK_FILE);
        for (int attempt = 0; ; attempt++) {
            FileChannel ch = openLockFile(lockFile, me);
            FileLock lock = null;
            try {
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // held by another server in this JVM
                }
                if (lock == null) {
                    String holder = holder(ch);
                    throw new ServerBusyException(dir, "another server is already running in this directory"
                            + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; it holds " + ServerProtocol.LOCK_FILE);
                }
                // the file we locked must still be the one named server.lock (a stopping server
                // removes it while it still holds the lock)
                FileFacts named = FileFacts.ofPath(lockFile);
                FileFacts opened = lockedFacts(lockFile, me);
                if (named == null || opened == null || !named.sameFile(opened)) {
                    lock.release();
                    lock = null;
                    if (attempt < 10) {
                        continue;
                    }
                    throw new FifoException(lockFile, "the lock file keeps being replaced");
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                ServerDirectory d = new ServerDirectory(dir, me, lockFile, ch, lock, named);
                ch = null;
                return d;
            } finally {
                if (ch != null) {
                    if (lock != null) {
                        lock.release();
                    }
                    ch.close();
                }
            }
        }
    }

    /** Facts of the lock file by name, required to be ours (regular, one name, our uid). */
    private static FileFacts lockedFacts(Path lockFile, int me) throws IOException {
        FileFacts s = FileFacts.ofPath(lockFile);
        return s != null && s.isRegularFile() && s.nlink() == 1 && s.uid() == me ? s : null;
    }

    /** Opens server.lock without following links, creating it exclusively unless a safe one of ours exists. */
    private static FileChannel openLockFile(Path lockFile, int me) throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            FileFacts s = FileFacts.ofPath(lockFile);
            try {
                if (s == null) {
                    return FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                }
                if (s.isRegularFile() && s.nlink() == 1 && s.uid() == me) {
                    // only we (and the kernel's owner of the directory: us) can replace it now
                    return FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS);
                }
                if ((s.mode() & 0170000) == 0040000) {
                    throw new FifoException(lockFile, "is a directory; remove it to serve here");
                }
                // a hard link, a symlink, someone else's file or a FIFO: never opened, removed
                Files.deleteIfExists(lockFile);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.NoSuchFileException e) {
                // someone raced us: look again
            } catch (FileSystemException e) {
                throw new FifoException(lockFile, "cannot open the lock file: "
                        + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
            }
        }
        throw new FifoException(lockFile, "cannot create the lock file: it keeps being replaced");
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Checks (or creates) the directory; returns this process's uid, which owns it. */
    private static int prepare(Path dir, boolean shared, Consumer<String> log) throws IOException {
        FileFacts s = FileFacts.ofPath(dir);
        if (s == null) {
            create(dir, shared);
            s = FileFacts.ofPath(dir);
        }
        if (s == null) {
            throw new FifoException(dir, "cannot use the server directory: it disappeared");
        }
        if ((s.mode() & 0170000) == 0120000) {
            throw new SymlinkException(dir, "is a symbolic link; a server directory must be a real directory");
        }
        if ((s.mode() & 0170000) != 0040000) {
            throw new FifoException(dir, "exists and is not a directory");
        }
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (s.uid() != me) {
            throw new FifoException(dir, "is owned by uid " + Integer.toUnsignedString(s.uid()) + ", not by this user (uid "
                    + Integer.toUnsignedString(me) + "); a server directory must be owned by the server's user");
        }
        int perms = s.mode() & 07777;
        if (shared) {
            if (perms != 01733) {
                // ours: make it what a shared server needs (others may add, not list or remove)
                chmod(dir, "rwx-wx-wx");
                Files.setAttribute(dir, "unix:mode", 01733, LinkOption.NOFOLLOW_LINKS);
                log.accept(dir + ": mode set to 1733 (was 0" + Integer.toOctalString(perms) + ") for a shared server");
            }
        } else if ((perms & 0022) != 0 && (perms & 01000) == 0) {
            log.accept(dir + ": writable by other users without the sticky bit (mode 0"
                    + Integer.toOctalString(perms) + "): they could replace server.fifo");
        }
        return me;
    }

    private static void chmod(Path dir, String perms) throws IOException {
        java.util.Set<PosixFilePermission> p = PosixFilePermissions.fromString(perms);
        Files.setPosixFilePermissions(dir, p);
    }

    private static void create(Path dir, boolean shared) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            create(parent, false);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (shared) {
                Files.setAttribute(dir, "unix:mode", 01733, LinkOption.NOFOLLOW_LINKS);
            } else {
                chmod(dir, "rwx------");
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created by someone else meanwhile: the checks that follow decide
        } catch (FileSystemException e) {
            throw new FifoException(dir, "cannot create the server directory: "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
        }
    }

    /** Removes {@code server.lock} (still locked, and only if the name still is our file), then releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            FileFacts now = FileFacts.ofPath(lockFile);
            if (now != null && now.sameFile(lockIdentity)) {
                Files.deleteIfExists(lockFile);
            }
        } finally {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }
}
