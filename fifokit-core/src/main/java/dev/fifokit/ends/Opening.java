package dev.fifokit.ends;

import dev.fifokit.FifoException;
import dev.fifokit.SymlinkException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Fifos;
import dev.fifokit.internal.linux.Stat;

import java.nio.file.Path;

/** The checks every open by path starts with: exists, not a symlink (unless asked), a FIFO. */
final class Opening {
    private Opening() {}

    static {
        Errors.preload();
    }

    static Fifos.Handle pin(Path path, boolean follow) throws FifoException {
        Stat[] found = new Stat[1];
        int[] errno = new int[1];
        Fifos.Handle h = Fifos.pin(path, follow, found, errno);
        if (h != null) {
            return h;
        }
        if (errno[0] == Fifos.SYMLINK) {
            throw new SymlinkException(path, "is a symbolic link; refusing to follow it (ask to follow symlinks)");
        }
        if (errno[0] == Fifos.NOT_FIFO) {
            throw Errors.notAFifo(path, found[0].mode());
        }
        throw Errors.of(path, errno[0], "open");
    }
}
