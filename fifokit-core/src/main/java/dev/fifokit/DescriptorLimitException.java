package dev.fifokit;

import java.nio.file.Path;

/** The process (EMFILE) or the system (ENFILE) has no descriptor left; the message gives the limit. */
public final class DescriptorLimitException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * No descriptor was left for {@code path}.
     *
     * @param path   the FIFO concerned
     * @param reason the reason, in words
     */
    public DescriptorLimitException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * No descriptor was left for {@code path}.
     *
     * @param path   the FIFO concerned
     * @param reason the reason, in words
     * @param cause  the underlying failure
     */
    public DescriptorLimitException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
