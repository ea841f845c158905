package dev.fifokit.diagnostics;

/**
 * What a process is doing with respect to a FIFO, from its wait channel
 * ({@code /proc/<pid>/task/<tid>/wchan}), the system call it is in
 * ({@code /proc/<pid>/task/<tid>/syscall}) and its scheduler state ({@code /proc/<pid>/stat}).
 * {@link #word()} is what {@code fifokit who} prints in its STATE column and JSON.
 */
public enum HolderState {
    /** Blocked in read(2) on this FIFO: it is empty (wchan {@code anon_pipe_read}/{@code pipe_read}). */
    BLOCKED_READ("blocked-read"),
    /** Blocked in write(2) on this FIFO: it is full (wchan {@code anon_pipe_write}/{@code pipe_write}). */
    BLOCKED_WRITE("blocked-write"),
    /** Blocked in open(2) of this FIFO, waiting for the other side (wchan {@code wait_for_partner}). */
    BLOCKED_OPEN("blocked-open"),
    /** On a CPU or ready to run (state R). */
    RUNNING("running"),
    /** Sleeping, but not in a read, write or open of this FIFO (state S, I). */
    SLEEPING("sleeping"),
    /** Uninterruptible sleep, usually disk I/O (state D). */
    DISK_SLEEP("disk-sleep"),
    /** Stopped by a signal or a debugger (state T, t). */
    STOPPED("stopped"),
    /** Exited, not yet reaped by its parent (state Z); its descriptors are already closed. */
    ZOMBIE("zombie"),
    /** Anything else, or unreadable. */
    OTHER("other");

    private final String word;

    HolderState(String word) {
        this.word = word;
    }

    /** {@return the word fifokit prints for this state, e.g. {@code blocked-read}} */
    public String word() {
        return word;
    }

    /** {@return true for the three states that mean "waiting on this FIFO"} */
    public boolean isBlocked() {
        return this == BLOCKED_READ || this == BLOCKED_WRITE || this == BLOCKED_OPEN;
    }

    /** The state of a process that is not blocked on this FIFO, from its one-letter state. */
    static HolderState ofStateCode(char code) {
        return switch (code) {
            case 'R' -> RUNNING;
            case 'S', 'I' -> SLEEPING;
            case 'D' -> DISK_SLEEP;
            case 'T', 't' -> STOPPED;
            case 'Z', 'X', 'x' -> ZOMBIE;
            default -> OTHER;
        };
    }
}
