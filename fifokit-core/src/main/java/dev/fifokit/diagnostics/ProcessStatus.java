package dev.fifokit.diagnostics;

import dev.fifokit.FifoAccessDeniedException;
import dev.fifokit.FifoException;
import dev.fifokit.NoSuchProcessException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A snapshot of one process, from {@code /proc/<pid>/status} and {@code /proc/<pid>/wchan}:
 * what {@code cat /proc/<pid>/status} shows, as a typed record.
 *
 * <p>Reading never blocks (procfs answers from kernel memory). A snapshot is stale the
 * moment it is taken; take another to follow a process.
 *
 * @param pid                        process id
 * @param name                       {@code Name}: the command name (at most 15 bytes)
 * @param state                      {@code State} as the kernel writes it, e.g. {@code "S (sleeping)"}
 * @param ppid                       {@code PPid}: the parent's pid (0 for init and kernel threads)
 * @param uid                        the real user id (first number of {@code Uid})
 * @param threads                    {@code Threads}
 * @param vmRssKib                   {@code VmRSS} in KiB, or {@code -1} when the kernel gives none
 *                                   (kernel threads, zombies)
 * @param voluntaryContextSwitches   {@code voluntary_ctxt_switches} (the process waited)
 * @param involuntaryContextSwitches {@code nonvoluntary_ctxt_switches} (it was preempted)
 * @param wchan                      the kernel function the process sleeps in
 *                                   ({@code wait_for_partner}, {@code anon_pipe_read}, ...); {@code ""}
 *                                   when it is running, or when the kernel hides it from this caller
 */
public record ProcessStatus(long pid, String name, String state, long ppid, long uid, long threads,
                            long vmRssKib, long voluntaryContextSwitches, long involuntaryContextSwitches,
                            String wchan) {

    /** The wait channel of a process blocked opening a FIFO that has no peer yet. */
    public static final String WAIT_FOR_PARTNER = "wait_for_partner";

    /**
     * Reads the status of {@code pid} now.
     *
     * @throws NoSuchProcessException     there is no such process (or it has just exited)
     * @throws FifoAccessDeniedException  {@code /proc} hides it from this caller (hidepid)
     * @throws FifoException              any other read failure, naming {@code /proc/<pid>}
     * @param pid the process
     * @return its status now
     */
    public static ProcessStatus of(long pid) throws FifoException {
        if (pid <= 0) {
            throw new NoSuchProcessException(pid);
        }
        Path dir = ProcFs.pidDir(pid);
        String text;
        try {
            text = ProcFs.read(dir.resolve("status"));
        } catch (NoSuchFileException e) {
            throw new NoSuchProcessException(pid, e);
        } catch (AccessDeniedException e) {
            throw new FifoAccessDeniedException(dir, "permission denied (read status)", e);
        } catch (IOException e) {
            if (!dir.toFile().exists()) {
                throw new NoSuchProcessException(pid, e);
            }
            throw new FifoException(dir, "cannot read status: " + e.getMessage(), e);
        }
        String wchan = ProcFs.wchan(dir.resolve("wchan"));
        return parse(pid, text, wchan == null ? "" : wchan);
    }

    /** Parses the text of a {@code status} file (fields missing from it read as 0, VmRSS as -1). */
    static ProcessStatus parse(long pid, String status, String wchan) {
        String name = "";
        String state = "";
        long ppid = 0;
        long uid = 0;
        long threads = 0;
        long rss = -1;
        long voluntary = 0;
        long involuntary = 0;
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "Name" -> name = value;
                case "State" -> state = value;
                case "PPid" -> ppid = firstNumber(value);
                case "Uid" -> uid = firstNumber(value);
                case "Threads" -> threads = firstNumber(value);
                case "VmRSS" -> rss = firstNumber(value);
                case "voluntary_ctxt_switches" -> voluntary = firstNumber(value);
                case "nonvoluntary_ctxt_switches" -> involuntary = firstNumber(value);
                default -> { }
            }
        }
        return new ProcessStatus(pid, name, state, ppid, uid, threads, rss, voluntary, involuntary, wchan);
    }

    private static long firstNumber(String value) {
        int end = 0;
        while (end < value.length() && Character.isDigit(value.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Long.parseLong(value.substring(0, end));
    }

    /** {@return the one-letter state code ({@code R}, {@code S}, {@code D}, {@code T}, {@code Z}, ...), or '?'} */
    public char stateCode() {
        return state.isEmpty() ? '?' : state.charAt(0);
    }

    /** {@return the state in words: "sleeping", "running", ... (the part in parentheses)} */
    public String stateName() {
        int open = state.indexOf('(');
        int close = state.lastIndexOf(')');
        return open >= 0 && close > open ? state.substring(open + 1, close) : state;
    }

    /** {@return true when the process is blocked in open(2) of a FIFO, waiting for the other side} */
    public boolean isBlockedOpeningFifo() {
        return WAIT_FOR_PARTNER.equals(wchan);
    }

    /**
     * What the process's wait channel means, in words, e.g. {@code "waiting in open() for the
     * other end"} for {@code wait_for_partner}; {@code ""} when it has none or it is not one of
     * the common ones (see {@link #explainWchan(String)}).
     *
     * @return the meaning, or {@code ""}
     */
    public String wchanMeaning() {
        return explainWchan(wchan);
    }

    /**
     * What a kernel wait channel (the function a sleeping thread waits in, from
     * {@code /proc/PID/wchan}) means, for the ones a pipe user meets: FIFO opens, pipe reads and
     * writes (every kernel spelling), child waits, poll/select/epoll, futexes, sleeps, terminal
     * and socket reads, signals, disk I/O.
     *
     * @param wchan a wait channel name
     * @return the meaning in a few words, or {@code ""} for an empty or unknown name
     */
    public static String explainWchan(String wchan) {
        if (wchan == null) {
            return "";
        }
        int dot = wchan.indexOf('.'); // a compiler's copy: poll_schedule_timeout.constprop.0
        return switch (dot > 0 ? wchan.substring(0, dot) : wchan) {
            case WAIT_FOR_PARTNER -> "waiting in open() for the other end";
            case "pipe_read", "anon_pipe_read", "pipe_wait", "pipe_wait_readable" -> "waiting for data";
            case "pipe_write", "anon_pipe_write", "pipe_wait_writable" -> "waiting for room";
            case "do_wait", "kernel_wait4", "do_waitid" -> "waiting for a child";
            case "do_sys_poll", "do_poll", "do_select", "core_sys_select", "poll_schedule_timeout" ->
                    "waiting in poll or select";
            case "ep_poll", "do_epoll_wait" -> "waiting in epoll";
            case "futex_wait_queue", "futex_wait_queue_me", "futex_wait", "futex_do_wait" ->
                    "waiting on a lock or condition (futex)";
            case "hrtimer_nanosleep", "do_nanosleep", "clock_nanosleep" -> "sleeping for a time";
            case "n_tty_read", "wait_woken" -> "waiting for input";
            case "unix_stream_read_generic", "unix_stream_data_wait", "sk_wait_data", "inet_csk_accept",
                 "unix_wait_for_peer" -> "waiting on a socket";
            case "sigsuspend", "do_sigtimedwait", "sys_pause", "__do_sys_pause" -> "waiting for a signal";
            case "do_signal_stop" -> "stopped by a signal";
            case "io_schedule", "folio_wait_bit_common", "wait_on_page_bit_common", "bit_wait_io" ->
                    "waiting for disk I/O";
            default -> "";
        };
    }

    /**
     * What the process is doing in a few words: {@code "running"},
     * {@code "sleeping in wait_for_partner"}, {@code "zombie"}...
     *
     * @return the state in words, with the wait channel when there is one
     */
    public String activity() {
        String words = stateName();
        return wchan.isEmpty() ? words : words + " in " + wchan;
    }
}
