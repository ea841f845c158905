package dev.fifokit.diagnostics;

/**
 * How a process has (or is opening) a FIFO: the {@code O_ACCMODE} bits of its open flags,
 * from {@code /proc/<pid>/fdinfo/<fd>} ({@code flags:}, octal) or from the flags argument of
 * the {@code openat} it is blocked in.
 */
public enum AccessMode {
    /** {@code O_RDONLY}: a reader. */
    READ("read"),
    /** {@code O_WRONLY}: a writer. */
    WRITE("write"),
    /**
     * {@code O_RDWR}: both a reader and a writer. While such a descriptor is open, the FIFO
     * always has a writer, so no reader ever sees end of file.
     */
    READ_WRITE("read-write");

    private final String word;

    AccessMode(String word) {
        this.word = word;
    }

    /** {@return the word fifokit prints: {@code read}, {@code write} or {@code read-write}} */
    public String word() {
        return word;
    }

    /** {@return whether a descriptor in this mode counts as a reader of the pipe} */
    public boolean reads() {
        return this != WRITE;
    }

    /** {@return whether a descriptor in this mode counts as a writer of the pipe} */
    public boolean writes() {
        return this != READ;
    }

    /**
     * The mode of open flags ({@code flags & 3}); {@code 3} (unused by Linux for FIFOs) reads as read-write.
     *
     * @param flags open(2) flags, as in {@code /proc/PID/fdinfo/FD}
     * @return the mode
     */
    public static AccessMode ofFlags(long flags) {
        return switch ((int) (flags & 3)) {
            case 0 -> READ;
            case 1 -> WRITE;
            default -> READ_WRITE;
        };
    }
}
