package dev.fifokit.server;

import dev.fifokit.NotAFifoException;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.OpenOptions;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Fifos;
import dev.fifokit.internal.linux.Stat;

import java.nio.file.Path;

/**
 * A client's reply FIFO, opened safely: {@code client.<id>.fifo} in the server's directory,
 * refused when it is a symlink or anything but a FIFO (checked on an {@code O_PATH} handle, so
 * a regular file is never opened, let alone written), opened for writing without waiting
 * (no reader: the client is gone or never opened it, and the request is dropped at once).
 * The client's uid is the owner of the FIFO that was actually opened (fstat of the descriptor).
 */
record ReplyFifo(FifoWriter writer, ClientIdentity client, Path path, Stat identity) {

    /**
     * Opens the reply FIFO of {@code clientId}.
     *
     * @throws dev.fifokit.NoSuchFifoException the client never created it (or removed it)
     * @throws dev.fifokit.SymlinkException    it is a symbolic link
     * @throws NotAFifoException               it is a regular file or anything else
     * @throws dev.fifokit.NoReaderException   nobody has it open for reading
     */
    static ReplyFifo open(Path dir, long clientId) throws java.io.IOException {
        Path path = ServerProtocol.clientFifo(dir, clientId);
        FifoWriter w = FifoWriter.open(path, OpenOptions.defaults().failIfNoReader());
        boolean ok = false;
        try {
            Stat s = Stat.of(w.descriptor());
            if (!s.ok()) {
                throw Errors.of(path, s.errno(), "fstat");
            }
            if (!s.isFifo()) {
                throw Errors.notAFifo(path, s.mode());
            }
            ok = true;
            return new ReplyFifo(w, new ClientIdentity(clientId, s.uid()), path, s);
        } finally {
            if (!ok) {
                closeQuietly(w);
            }
        }
    }

    /** Removes the FIFO this reply was written to, if the name still is that FIFO (its reader died); true if removed. */
    boolean removeIfSame() {
        Stat now = Stat.of(path.toString(), false);
        return now.ok() && now.sameFile(identity) && Fifos.unlink(path) == 0;
    }

    /**
     * Removes {@code client.<id>.fifo} when it is a FIFO nobody reads: its client died or never
     * opened it, and no one else will remove it. Anything that is not a FIFO is left alone.
     * True if a FIFO was removed.
     */
    static boolean removeAbandoned(Path dir, long clientId) {
        Path path = ServerProtocol.clientFifo(dir, clientId);
        Stat s = Stat.of(path.toString(), false);
        return s.isFifo() && Fifos.unlink(path) == 0;
    }

    /** Closes the writer, also from another thread (wakes a blocked write). */
    void close() {
        closeQuietly(writer);
    }

    private static void closeQuietly(FifoWriter w) {
        try {
            w.close();
        } catch (java.io.IOException ignored) {
            // a reply end that fails to close is unusable anyway
        }
    }
}
