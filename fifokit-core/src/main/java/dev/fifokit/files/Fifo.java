package dev.fifokit.files;

import dev.fifokit.FifoAccessDeniedException;
import dev.fifokit.FifoException;
import dev.fifokit.FifoExistsException;
import dev.fifokit.SymlinkException;
import dev.fifokit.ends.FifoReadWrite;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.FifoOpenOptions;
import dev.fifokit.ends.ReadWriteOptions;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.FifoPaths;
import dev.fifokit.internal.linux.Stat;

import dev.fifokit.FifoClosedException;
import dev.fifokit.NoSuchFifoException;
import dev.fifokit.ends.FifoEnd;
import dev.fifokit.internal.ends.EndOpening;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A FIFO file: created here with an exact mode, or an existing one. Closing a FIFO this object
 * created unlinks it (socat's unlink-close) unless {@link #keep()} was called; closing also
 * closes every end still opening or open through it, which is how another thread cancels an
 * open that is waiting for its peer. It holds its ends weakly: an end closed and dropped by the
 * caller is garbage, however long the {@code Fifo} stays open.
 *
 * <p><b>Exact mode, no swap.</b> {@link #create(Path, int)} calls mkfifo(3), then pins the new
 * file through an {@code O_PATH|O_NOFOLLOW} descriptor, checks it is a FIFO owned by this user,
 * and sets the mode on that pinned file, so the umask does not change it and a file put in its
 * place by someone else is detected, never chmod-ed. Unlinking checks the path still names the
 * same device and inode.
 *
 * <pre>{@code
 * try (Fifo fifo = Fifo.create(Path.of("/run/app/in.fifo"), 0600);
 *      FifoReader in = fifo.openReader(ReaderOptions.defaults())) {
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
    /** Every end opened through this object that may still be open, held weakly. */
    private final Set<Reference<FifoEnd>> ends = ConcurrentHashMap.newKeySet();
    private final ReferenceQueue<FifoEnd> collected = new ReferenceQueue<>();

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
        int r = FifoPaths.mkfifo(path, mode & 0777);
        if (r < 0) {
            FifoException failed = Errors.of(path, -r, "create FIFO");
            if (failed instanceof FifoExistsException) {
                Stat existing = Stat.of(path.toString(), false);
                if (existing.isSymlink()) {
                    throw new SymlinkException(path, "exists and is a symbolic link (not followed)");
                }
                if (existing.ok() && !existing.isFifo()) {
                    throw Errors.notAFifo(path, existing.mode());
                }
                if (reuse) {
                    return existing(path, false);
                }
                throw new FifoExistsException(path, "exists (a FIFO is already there)");
            }
            throw failed;
        }
        FifoPaths.Handle h = FifoPaths.pin(path, false);
        if (!h.ok() || !h.stat().isFifo()) {
            if (h.ok()) {
                FifoPaths.close(h.fd());
            }
            throw new FifoException(path, "was replaced right after it was created ("
                    + (h.ok() ? "no longer a FIFO" : Errors.describe(h.stat().errno())) + ")");
        }
        try {
            if (h.stat().uid() != FifoPaths.geteuid()) {
                throw new FifoException(path, "was replaced right after it was created (owned by uid "
                        + h.stat().uid() + ")");
            }
            if (h.stat().permissions() != mode) {
                int c = FifoPaths.chmodPinned(h.fd(), path, h.stat(), mode);
                if (c < 0) {
                    FifoPaths.unlink(path);
                    throw Errors.of(path, -c, "set mode");
                }
            }
            return new Fifo(path, h.stat(), true);
        } finally {
            FifoPaths.close(h.fd());
        }
    }

    private static Stat pinAndStat(Path path, boolean follow) throws FifoException {
        FifoPaths.Handle h = FifoPaths.pinFifo(path, follow, "open");
        FifoPaths.close(h.fd());
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
     * @throws java.io.IOException as {@code FifoReader.open(path, options)}; a
     *         {@link FifoClosedException} when this object is closed before or during the wait
     */
    public FifoReader openReader(ReaderOptions options) throws java.io.IOException {
        return (FifoReader) open(options);
    }

    /**
     * Opens a writer; it is closed, and its waiting cancelled, when this object is closed.
     *
     * @param options how to open it (timeout, fail if no reader, ...)
     * @return the writer
     * @throws java.io.IOException as {@code FifoWriter.open(path, options)}; a
     *         {@link FifoClosedException} when this object is closed before or during the wait
     */
    public FifoWriter openWriter(WriterOptions options) throws java.io.IOException {
        return (FifoWriter) open(options);
    }

    /**
     * Opens a read-write end (never waits; see {@link FifoReadWrite} for its hazard).
     *
     * @param options how to open it
     * @return the read-write end
     * @throws java.io.IOException as {@code FifoReadWrite.open(path, options)}
     */
    public FifoReadWrite openReadWrite(ReadWriteOptions options) throws java.io.IOException {
        return (FifoReadWrite) open(options);
    }

    /**
     * The ends' one opening path, with this object's registration: the end is registered before
     * it waits for its peer, so {@link #close()} cancels a waiting open simply by closing it.
     */
    private FifoEnd open(FifoOpenOptions options) throws java.io.IOException {
        if (closed) {
            throw new FifoClosedException(path, "the FIFO handle is closed");
        }
        try {
            return EndOpening.open(path, options, this::register);
        } catch (FifoClosedException e) {
            if (closed) {
                throw new FifoClosedException(path, "the FIFO handle was closed while opening", e);
            }
            throw e;
        }
    }

    private void register(FifoEnd end) {
        for (Reference<? extends FifoEnd> gone; (gone = collected.poll()) != null; ) {
            ends.remove(gone);
        }
        ends.add(new WeakReference<>(end, collected));
        if (closed) {
            // close() ran before the end was in the set and did not see it
            closeQuietly(end);
        }
    }

    private static void closeQuietly(FifoEnd end) {
        try {
            end.close();
        } catch (java.io.IOException ignored) {
            // an end that fails to close is already unusable
        }
    }

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
        for (Reference<FifoEnd> ref : ends) {
            FifoEnd end = ref.get();
            if (end != null) {
                closeQuietly(end);
            }
        }
        ends.clear();
        if (created && !keep) {
            unlinkIfSame();
        }
        TempFifos.forget(this);
    }

    private void unlinkIfSame() throws FifoException {
        Stat now = Stat.of(path.toString(), false);
        if (!now.isFifo() || !now.sameFile(identity)) {
            return; // gone already, or someone else's file now: leave it
        }
        int r = FifoPaths.unlink(path);
        if (r < 0) {
            FifoException failed = Errors.of(path, -r, "unlink");
            if (!(failed instanceof NoSuchFifoException)) {
                throw failed;
            }
        }
    }

    @Override
    public String toString() {
        return "Fifo[" + path + (created ? ", created" : "") + "]";
    }
}
