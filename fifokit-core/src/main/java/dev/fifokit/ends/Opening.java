package dev.fifokit.ends;

import dev.fifokit.FifoException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.FifoPaths;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.PipeFd;
import dev.fifokit.internal.linux.Stat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The one way every end is opened by path: pin the path and check it is a FIFO, create the
 * end unconnected, register it (so whoever may cancel the open can close it), connect it (which
 * may wait for the peer), apply the capacity. A close of the end, from any thread, at any point,
 * ends the open with {@link dev.fifokit.FifoClosedException}; a failure closes it.
 */
final class Opening {
    private Opening() {}

    static {
        Errors.preload();
    }

    /** What every FIFO open needs, whichever end it opens. */
    private record Common(boolean followSymlinks, Duration timeout, PipeOptions pipe) {
        static Common of(FifoOpenOptions options) {
            return switch (options) {
                case ReaderOptions r -> new Common(r.isFollowSymlinks(), r.openTimeout(), r.io());
                case WriterOptions w -> new Common(w.isFollowSymlinks(), w.openTimeout(), w.io());
                case ReadWriteOptions rw -> new Common(rw.isFollowSymlinks(), null, rw.io());
            };
        }
    }

    static FifoEnd open(Path path, FifoOpenOptions options, Consumer<? super FifoEnd> register) throws IOException {
        if (options instanceof WriterOptions w && w.isTrustedDirectory()) {
            return openDirect(path, w, register);
        }
        long start = System.nanoTime();
        Common common = Common.of(options);
        FifoPaths.Handle h = FifoPaths.pinFifo(path, common.followSymlinks(), "open");
        try {
            PipeFd unconnected = new PipeFd(-1);
            FifoEnd end = switch (options) {
                case ReaderOptions _ -> new FifoReader(path, unconnected, common.pipe(), false);
                case WriterOptions _ -> new FifoWriter(path, unconnected, common.pipe());
                case ReadWriteOptions _ -> new FifoReadWrite(path, unconnected, common.pipe());
            };
            boolean ok = false;
            try {
                register.accept(end);
                long deadline = common.timeout() == null ? PipeFd.NO_DEADLINE : start + common.timeout().toNanos();
                end.connect(h, options, deadline);
                end.openedFile = OpenedFile.of(h.stat());
                end.applyCapacity(common.pipe());
                ok = true;
                return end;
            } finally {
                if (!ok) {
                    end.closeQuietly();
                }
            }
        } finally {
            FifoPaths.close(h.fd());
        }
    }

    /**
     * {@link WriterOptions#trustedDirectory()}: one open(2) of the path (never following a final
     * symlink, never waiting), then one fstat of the descriptor, which must be a FIFO; those
     * facts are the end's {@link FifoEnd#openedFile()}.
     */
    private static FifoEnd openDirect(Path path, WriterOptions options, Consumer<? super FifoEnd> register)
            throws IOException {
        int fd = FifoPaths.openDirect(path, Flags.O_WRONLY);
        if (fd < 0) {
            throw Errors.of(path, -fd, "open for writing");
        }
        Stat s = Stat.of(fd);
        FifoException bad = Errors.checkFifo(path, s, "open for writing");
        if (bad != null) {
            FifoPaths.close(fd);
            throw bad;
        }
        FifoWriter end = new FifoWriter(path, new PipeFd(fd), options.io());
        end.openedFile = OpenedFile.of(s);
        boolean ok = false;
        try {
            register.accept(end);
            end.enter(); // the owner may have closed the end as it was registered
            end.applyCapacity(options.io());
            ok = true;
            return end;
        } finally {
            if (!ok) {
                end.closeQuietly();
            }
        }
    }

    /** Opens the pinned FIFO with {@code accessMode} and gives {@code end} the descriptor. */
    static void attach(FifoEnd end, FifoPaths.Handle pinned, boolean followSymlinks, int accessMode, String operation)
            throws IOException {
        int fd = FifoPaths.reopen(pinned.fd(), end.path, pinned.stat(), followSymlinks, accessMode);
        if (fd < 0) {
            throw Errors.of(end.path, -fd, operation);
        }
        if (!end.fd.attach(fd)) {
            throw end.closedError();
        }
    }

    /** A timeout as the options take it: not null, not negative. */
    static Duration checkTimeout(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + limit);
        }
        return limit;
    }
}
