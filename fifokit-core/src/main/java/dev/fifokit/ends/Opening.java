package dev.fifokit.ends;

import dev.fifokit.FifoException;
import dev.fifokit.internal.ends.EndOpening;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Fifos;
import dev.fifokit.internal.linux.PipeFd;

import java.io.IOException;
import java.nio.file.Path;
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

    static FifoEnd open(EndOpening.Kind kind, Path path, OpenOptions options, Consumer<? super FifoEnd> register)
            throws IOException {
        long start = System.nanoTime();
        Fifos.Handle h = Fifos.pin(path, options.isFollowSymlinks());
        try {
            FifoException bad = Errors.checkFifo(path, h.stat(), "open");
            if (bad != null) {
                throw bad;
            }
            PipeFd unconnected = new PipeFd(-1);
            FifoEnd end = switch (kind) {
                case READER -> new FifoReader(path, unconnected, options, false);
                case WRITER -> new FifoWriter(path, unconnected, options);
                case READ_WRITE -> new FifoReadWrite(path, unconnected, options);
            };
            boolean ok = false;
            try {
                register.accept(end);
                end.connect(h, options, options.deadline(start));
                end.applyCapacity(options);
                ok = true;
                return end;
            } finally {
                if (!ok) {
                    end.closeQuietly();
                }
            }
        } finally {
            if (h.ok()) {
                Fifos.close(h.fd());
            }
        }
    }

    /** Opens the pinned FIFO with {@code accessMode} and gives {@code end} the descriptor. */
    static void attach(FifoEnd end, Fifos.Handle pinned, OpenOptions options, int accessMode, String operation)
            throws IOException {
        int fd = Fifos.reopen(pinned.fd(), end.path, pinned.stat(), options.isFollowSymlinks(), accessMode);
        if (fd < 0) {
            throw Errors.of(end.path, -fd, operation);
        }
        if (!end.fd.attach(fd)) {
            throw end.closedError();
        }
    }
}
