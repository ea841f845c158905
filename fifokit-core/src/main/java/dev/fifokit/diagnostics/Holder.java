package dev.fifokit.diagnostics;

/**
 * One open descriptor on the FIFO: a row of {@code fifokit who}.
 *
 * @param pid     the process holding it
 * @param command its command name ({@code /proc/<pid>/comm})
 * @param fd      the descriptor number in that process
 * @param mode    read, write or read-write, from {@code /proc/<pid>/fdinfo/<fd>}
 * @param state   blocked reading or writing this FIFO, or the process's general state
 * @param wchan   the wait channel that decided a blocked state ({@code ""} otherwise)
 * @param target  what {@code /proc/<pid>/fd/<fd>} points to: the path the process opened,
 *                with {@code " (deleted)"} once the FIFO was unlinked
 */
public record Holder(long pid, String command, int fd, AccessMode mode, HolderState state,
                     String wchan, String target) {

    /** {@return true when the FIFO was unlinked after this process opened it} */
    public boolean deleted() {
        return target != null && target.endsWith(" (deleted)");
    }
}
