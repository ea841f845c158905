package dev.fifokit.files;

import dev.fifokit.FifoAccessDeniedException;
import dev.fifokit.FifoException;
import dev.fifokit.FifoExistsException;
import dev.fifokit.SymlinkException;
import dev.fifokit.ends.FifoReadWrite;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.OpenOptions;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Fifos;
import dev.fifokit.internal.linux.Stat;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A FIFO file: created here with an exact mode, or an existing one. Closing a FIFO this object
 * created unlinks it (socat's unlink-close) unless {@link #keep()} was called; closing also
 * closes every end still opening or open through it, which is how another thread cancels an
 * open that is waiting for its peer.
 *
 * <p><b>Exact mode, no swap.</b> {@link #create(Path, int)} calls mkfifo(3), then pins the new
 * file through an {@code O_PATH|O_NOFOLLOW} descriptor, checks it is a FIFO owned by this user,
 * and sets the mode on that pinned file, so the umask does not change it and a file put in its
 * place by someone else is detected, never chmod-ed. Unlinking checks the path still names the
 * same device and inode.
 *
 * <pre>{@code
 * try (Fifo fifo = Fifo.create(Path.of("/run/app/in.fifo"), 0600);
 *      FifoReader in = fifo.openReader(OpenOptions.defaults())) {
 *     ...
 * }   // the FIFO file is gone here
 * }</pre>
 */
public final class Fifo implements AutoCloseable {
    private final Path path;
    private final Stat identity;
    private final boolean created;
    private volatile boolean keep;
    private volatile boolean closed;
    private final Set<Channel> ends = ConcurrentHashMap.newKeySet();

    private Fifo(Path path, Stat identity, boolean created) {
        this.path = path;
        this.identity = identity;
        this.created = created;
    }

    /**
     * Creates a FIFO with mode 0600; fails with {@link FifoExistsException} if the path exists.
     *
     * @param path where to create it
     * @return the new FIFO, unlinked when closed unless {@linkplain #keep() kept}
     * @throws FifoException as {@link #create(Path, int)}
     */
    public static Fifo create(Path path) throws FifoException {
        return create(path, 0600);
    }

    /**
     * Creates a FIFO whose permission bits are exactly {@code mode} (the umask is not applied).
     *
     * @param path where to create it
     * @param mode the permission bits, e.g. {@code 0600}
     * @return the new FIFO, unlinked when closed unless {@linkplain #keep() kept}
     * @throws FifoExistsException       something exists at the path
     * @throws dev.fifokit.NoSuchFifoException the parent directory does not exist
     * @throws FifoAccessDeniedException no permission to create it there
     */
    public static Fifo create(Path path, int mode) throws FifoException {
        return create(path, mode, false);
    }

    /**
     * Creates a FIFO, or reuses the FIFO already at the path (its mode is left as it is, and it
     * is not unlinked on close since this call did not create it). Anything else at the path is
     * refused with {@link dev.fifokit.NotAFifoException} ("exists and is not a FIFO"); a symlink
     * with {@link SymlinkException}.
     *
     * @param path where to create it or find it
     * @param mode the permission bits of a FIFO this call creates
     * @return the FIFO
     * @throws FifoException anything but a FIFO is at the path, or it cannot be created
     */
    public static Fifo createOrReuse(Path path, int mode) throws FifoException {
        return create(path, mode, true);
    }

    /**
     * An existing FIFO, checked to be one; closing it never unlinks it.
     *
     * @param path where it is (a symlink there is refused)
     * @return the FIFO
     * @throws FifoException nothing there, not a FIFO, or a symlink
     */
    public static Fifo existing(Path path) throws FifoException {
        return existing(path, false);
    }

    /**
     * An existing FIFO, following a symlink at the path when {@code followSymlinks}.
     *
     * @param path           where it is
     * @param followSymlinks whether a symlink at {@code path} is followed
     * @return the FIFO
     * @throws FifoException nothing there, not a FIFO, or a symlink not followed
     */
    public static Fifo existing(Path path, boolean followSymlinks) throws FifoException {
        Stat s = pinAndStat(path, followSymlinks);
        return new Fifo(path, s, false);
    }

    /**
     * A new FIFO with a unique name in this JVM's private directory (mode 0700, under
     * {@code $XDG_RUNTIME_DIR} when set, else {@code java.io.tmpdir}). It is removed when closed
     * and, if still there, when the JVM exits.
     *
     * @param prefix the start of its file name
     * @return the new FIFO
     * @throws FifoException the directory or the FIFO cannot be created
     */
    public static Fifo createTemp(String prefix) throws FifoException {
        return TempFifos.create(prefix);
    }

    private static Fifo create(Path path, int mode, boolean reuse) throws FifoException {
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("not a permission mode: 0" + Integer.toOctalString(mode));
        }
        int r = Fifos.mkfifo(path, mode & 0777);
        if (r < 0) {
            if (r == -Errors.EEXIST) {
                Stat existing = existingType(path);
                if (existing != null && existing.isSymlink()) {
                    throw new SymlinkException(path, "exists and is a symbolic link (not followed)");
                }
                if (existing != null && !existing.isFifo()) {
                    throw Errors.notAFifo(path, existing.mode());
                }
                if (reuse) {
                    return existing(path, false);
                }
                throw new FifoExistsException(path, "exists (a FIFO is already there)");
            }
            throw Errors.of(path, -r, "create FIFO");
        }
        Stat[] found = new Stat[1];
        int[] errno = new int[1];
        Fifos.Handle h = Fifos.pin(path, false, found, errno);
        if (h == null) {
            throw new FifoException(path, "was replaced right after it was created ("
                    + (errno[0] > 10_000 ? "no longer a FIFO" : Errors.describe(errno[0])) + ")");
        }
        try {
            if (h.stat().uid() != Fifos.geteuid()) {
                throw new FifoException(path, "was replaced right after it was created (owned by uid "
                        + h.stat().uid() + ")");
            }
            if (h.stat().permissions() != mode) {
                int c = Fifos.chmodPinned(h.fd(), mode);
                if (c < 0) {
                    Fifos.unlink(path);
                    throw Errors.of(path, -c, "set mode");
                }
            }
            return new Fifo(path, h.stat(), true);
        } finally {
            Fifos.close(h.fd());
        }
    }

    private static Stat existingType(Path path) {
        return Stat.of(path.toString(), false, new int[1]);
    }

    private static Stat pinAndStat(Path path, boolean follow) throws FifoException {
        Stat[] found = new Stat[1];
        int[] errno = new int[1];
        Fifos.Handle h = Fifos.pin(path, follow, found, errno);
        if (h == null) {
            if (errno[0] == Fifos.SYMLINK) {
                throw new SymlinkException(path, "is a symbolic link; refusing to follow it");
            }
            if (errno[0] == Fifos.NOT_FIFO) {
                throw Errors.notAFifo(path, found[0].mode());
            }
            throw Errors.of(path, errno[0], "open");
        }
        Fifos.close(h.fd());
        return h.stat();
    }

    /** {@return the FIFO's path} */
    public Path path() {
        return path;
    }

    /** {@return true when this object created the file (and so unlinks it on close, unless kept)} */
    public boolean created() {
        return created;
    }

    /**
     * {@return the permission bits the file has now}
     *
     * @throws FifoException it is gone or no longer a FIFO
     */
    public int mode() throws FifoException {
        return pinAndStat(path, false).permissions();
    }

    /**
     * Leaves the file in place when this object is closed.
     *
     * @return this
     */
    public Fifo keep() {
        keep = true;
        return this;
    }

    /**
     * Opens a reader; it is closed, and its waiting cancelled, when this object is closed.
     *
     * @param options how to open it (timeout, ...)
     * @return the reader
     * @throws FifoException as {@code FifoReader.open(path, options)}
     */
    public FifoReader openReader(OpenOptions options) throws FifoException {
        return track(Opener.READER, options);
    }

    /**
     * Opens a writer; it is closed, and its waiting cancelled, when this object is closed.
     *
     * @param options how to open it (timeout, fail if no reader, ...)
     * @return the writer
     * @throws FifoException as {@code FifoWriter.open(path, options)}
     */
    public FifoWriter openWriter(OpenOptions options) throws FifoException {
        return track(Opener.WRITER, options);
    }

    /**
     * Opens a read-write end (never waits; see {@link FifoReadWrite} for its hazard).
     *
     * @param options how to open it
     * @return the read-write end
     * @throws FifoException as {@code FifoReadWrite.open(path, options)}
     */
    public FifoReadWrite openReadWrite(OpenOptions options) throws FifoException {
        FifoReadWrite end = FifoReadWrite.open(path, options);
        ends.add(end);
        return end;
    }

    private enum Opener { READER, WRITER }

    @SuppressWarnings("unchecked")
    private <T extends Channel> T track(Opener which, OpenOptions options) throws FifoException {
        if (closed) {
            throw new dev.fifokit.FifoClosedException(path, "the FIFO handle is closed");
        }
        // close() cancels a waiting open by interrupting its thread (the open then closes the
        // half-made end). The PendingOpen lock makes sure no interrupt arrives after we are done.
        PendingOpen pending = new PendingOpen(Thread.currentThread());
        pendings.add(pending);
        if (closed) {
            // close() ran between the check above and the registration: it did not see this open
            // and would never cancel it (a blocking open could then wait forever)
            pendings.remove(pending);
            pending.finish();
            if (pending.cancelled) {
                Thread.interrupted(); // close() may have cancelled it all the same: not the caller's interrupt
            }
            throw new dev.fifokit.FifoClosedException(path, "the FIFO handle is closed");
        }
        Channel end = null;
        FifoException failure = null;
        try {
            end = which == Opener.READER ? FifoReader.open(path, options) : FifoWriter.open(path, options);
        } catch (FifoException e) {
            failure = e;
        } finally {
            pendings.remove(pending);
            pending.finish();
        }
        if (pending.cancelled) {
            Thread.interrupted(); // the interrupt was ours, not the caller's
            if (end != null) {
                try {
                    end.close();
                } catch (IOException ignored) {
                    // our own fresh end
                }
            }
            throw new dev.fifokit.FifoClosedException(path, "the FIFO handle was closed while opening", failure);
        }
        if (failure != null) {
            throw failure;
        }
        ends.add(end);
        if (closed) { // closed between the open and the registration above
            try {
                end.close();
            } catch (IOException ignored) {
                // our own fresh end
            }
            throw new dev.fifokit.FifoClosedException(path, "the FIFO handle was closed while opening");
        }
        return (T) end;
    }

    private static final class PendingOpen {
        private final Thread thread;
        private boolean done;
        volatile boolean cancelled;

        PendingOpen(Thread thread) {
            this.thread = thread;
        }

        synchronized void cancel() {
            if (!done) {
                cancelled = true;
                thread.interrupt();
            }
        }

        synchronized void finish() {
            done = true;
        }
    }

    private final Set<PendingOpen> pendings = ConcurrentHashMap.newKeySet();

    /**
     * Closes every end opened through this object, cancels opens still waiting (they throw
     * {@link dev.fifokit.FifoClosedException}), and unlinks the file if this object created it
     * and it still is the same file, unless {@link #keep()} was called.
     */
    @Override
    public void close() throws FifoException {
        if (closed) {
            return;
        }
        closed = true;
        for (PendingOpen p : pendings) {
            p.cancel();
        }
        for (Channel c : ends) {
            try {
                c.close();
            } catch (IOException ignored) {
                // an end that fails to close is already unusable
            }
        }
        ends.clear();
        if (created && !keep) {
            unlinkIfSame();
        }
        TempFifos.forget(this);
    }

    private void unlinkIfSame() throws FifoException {
        Stat now = Stat.of(path.toString(), false, new int[1]);
        if (now == null || !now.isFifo() || !now.sameFile(identity)) {
            return; // gone already, or someone else's file now: leave it
        }
        int r = Fifos.unlink(path);
        if (r < 0 && r != -Errors.ENOENT) {
            throw Errors.of(path, -r, "unlink");
        }
    }

    @Override
    public String toString() {
        return "Fifo[" + path + (created ? ", created" : "") + "]";
    }
}
