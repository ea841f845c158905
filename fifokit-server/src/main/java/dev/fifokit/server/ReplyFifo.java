package dev.fifokit.server;

import dev.fifokit.FifoException;
import dev.fifokit.NoReaderException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.WriterOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A client's reply FIFO, opened safely. The name is in the server's directory; it is opened
 * through an {@code O_PATH | O_NOFOLLOW} handle that must be a FIFO (a symlink or a regular
 * file is never opened, let alone written), for writing without waiting (no reader: the client
 * is gone or never opened it). The descriptor actually opened is then checked: a FIFO with one
 * name (no hard link) owned by the expected user. The client's uid is that owner.
 *
 * <p>In a directory only the server's user can write (a private server whose directory and
 * parents nobody else can change), nobody else can have put anything at the name, so it is
 * opened with one {@code open(2)} ({@code O_WRONLY|O_NONBLOCK|O_NOFOLLOW|O_NOCTTY}: still no
 * symlink, no wait) and checked on the descriptor afterwards with the same checks: two system
 * calls fewer per request.
 */
record ReplyFifo(FifoWriter writer, int uid, Path path, FileFacts identity) {

    private static final WriterOptions SAFE = WriterOptions.defaults().failIfNoReader();
    private static final WriterOptions DIRECT = SAFE.trustedDirectory();

    /**
     * Opens {@code dir/name} for writing. The checks of the descriptor are the same either way;
     * {@code direct} (a directory only the server's user can write) opens the name with one
     * open(2) that refuses a symlink, instead of pinning it first and re-opening it through
     * {@code /proc/self/fd}, and the facts are those the open read.
     *
     * @param owner  the uid the FIFO must belong to, or null for any (a shared server, where
     *               the owner is the client's identity)
     * @param direct whether the directory is one only the server's user can write
     * @throws dev.fifokit.NoSuchFifoException the client never created it (or removed it)
     * @throws dev.fifokit.SymlinkException    it is a symbolic link
     * @throws NotAFifoException               it is a regular file or anything else
     * @throws NoReaderException               nobody has it open for reading
     * @throws FifoException                   it has other names, or the wrong owner
     */
    static ReplyFifo open(Path dir, String name, Integer owner, boolean direct) throws IOException {
        Path path = dir.resolve(name);
        FifoWriter w = FifoWriter.open(path, direct ? DIRECT : SAFE);
        boolean ok = false;
        try {
            FileFacts s = FileFacts.ofOpened(w);
            String why = s.refusal(owner);
            if (why != null) {
                throw new FifoException(path, "refused as a reply FIFO: " + why);
            }
            ok = true;
            return new ReplyFifo(w, s.uid(), path, s);
        } finally {
            if (!ok) {
                closeQuietly(w);
            }
        }
    }

    /** Removes the FIFO this reply was written to, if the name still is that FIFO (its reader died); true if removed. */
    boolean removeIfSame() {
        try {
            FileFacts now = FileFacts.ofPath(path);
            return now != null && now.sameFile(identity) && Files.deleteIfExists(path);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Removes {@code dir/name} when it is a FIFO nobody reads, with one name and the expected
     * owner: its client died or never opened it, and no one else will remove it. Anything else
     * is left alone. True if a FIFO was removed.
     */
    static boolean removeAbandoned(Path dir, String name, Integer owner) {
        Path path = dir.resolve(name);
        try {
            FileFacts s = FileFacts.ofPath(path);
            return s != null && s.refusal(owner) == null && Files.deleteIfExists(path);
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes the writer, also from another thread (wakes a blocked write). */
    void close() {
        closeQuietly(writer);
    }

    private static void closeQuietly(FifoWriter w) {
        try {
            w.close();
        } catch (IOException ignored) {
            // a reply end that fails to close is unusable anyway
        }
    }
}
