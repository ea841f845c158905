package dev.fifokit;

import java.nio.file.Path;

/** The process (EMFILE) or the system (ENFILE) has no descriptor left; the message gives the limit. */
public final class DescriptorLimitException extends FifoException {
    private static final long serialVersionUID = 1L;

    public DescriptorLimitException(Path path, String reason) {
        super(path, reason);
    }

    public DescriptorLimitException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
