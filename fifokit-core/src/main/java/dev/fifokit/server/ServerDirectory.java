package dev.fifokit.server;

import dev.fifokit.FifoException;
import dev.fifokit.SymlinkException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Fifos;
import dev.fifokit.internal.linux.Stat;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;

/**
 * The directory a server owns: created 0700 when missing, else checked to be a directory (not
 * a symlink) owned by this user; and the lock on {@code server.lock} that makes it one server
 * per directory. The lock is an fcntl lock held through an open descriptor, so it disappears
 * with the process however it dies: a crashed server never blocks the next one.
 */
final class ServerDirectory implements AutoCloseable {
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private ServerDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    Path path() {
        return dir;
    }

    /**
     * Prepares {@code dir} and takes its lock.
     *
     * @throws ServerBusyException another server holds the lock
     * @throws FifoException       the directory is unusable (not a directory, a symlink, someone
     *                             else's) or cannot be created
     */
    static ServerDirectory claim(Path dir, Consumer<String> log) throws IOException {
        prepare(dir, log);
        Path lockFile = dir.resolve(ServerProtocol.LOCK_FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileSystemException e) {
            throw new FifoException(lockFile, "cannot open the lock file: "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
        }
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
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ServerDirectory d = new ServerDirectory(dir, ch, lock);
            ch = null;
            return d;
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
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

    private static void prepare(Path dir, Consumer<String> log) throws IOException {
        Stat s = Stat.of(dir.toString(), false);
        if (s.errno() == Errors.ENOENT) {
            create(dir);
            s = Stat.of(dir.toString(), false);
        }
        if (!s.ok()) {
            throw new FifoException(dir, "cannot use the server directory: " + Errors.describe(s.errno()));
        }
        if (s.isSymlink()) {
            throw new SymlinkException(dir, "is a symbolic link; a server directory must be a real directory");
        }
        if (!s.isDirectory()) {
            throw new FifoException(dir, "exists and is not a directory");
        }
        int me = Fifos.geteuid();
        if (s.uid() != me) {
            throw new FifoException(dir, "is owned by uid " + s.uid() + ", not by this user (uid " + me
                    + "); a server directory must be owned by the server's user");
        }
        if ((s.permissions() & 0022) != 0 && (s.permissions() & 01000) == 0) {
            log.accept(dir + ": writable by other users without the sticky bit (mode 0"
                    + Integer.toOctalString(s.permissions()) + "): they could replace server.fifo");
        }
    }

    private static void create(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            create(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created by someone else meanwhile: the checks that follow decide
        } catch (FileSystemException e) {
            throw new FifoException(dir, "cannot create the server directory: "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
        }
    }

    /** Releases the lock; {@code server.lock} stays (removing it would race with a new server). */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
