package dev.fifokit.diagnostics;

/**
 * A process blocked inside open(2) of a FIFO (wait channel {@code wait_for_partner}): a
 * reader waiting for a writer or a writer waiting for a reader. It has no descriptor yet, so
 * it is found through the open call it is in ({@code /proc/<pid>/task/<tid>/syscall}) and
 * the path read from its memory.
 *
 * @param pid     the process (thread group) id
 * @param tid     the thread blocked in open ({@code == pid} for a single-threaded process)
 * @param command the process's command name
 * @param mode    the mode it is opening with, or {@code null} when its system call could not
 *                be read
 * @param path    the path as the process passed it (maybe relative to its working
 *                directory), or {@code null} when its memory could not be read
 */
public record Opener(long pid, long tid, String command, AccessMode mode, String path) {

    /** {@return always {@link HolderState#BLOCKED_OPEN}: an opener is blocked in open(2)} */
    public HolderState state() {
        return HolderState.BLOCKED_OPEN;
    }
}
