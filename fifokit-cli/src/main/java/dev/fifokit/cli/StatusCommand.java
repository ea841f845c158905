package dev.fifokit.cli;

import dev.fifokit.diagnostics.ProcessStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code fifokit status}: one process's /proc status and wait channel. */
@Command(name = "status", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Show a process's status and what it is waiting for.",
                "The fields of /proc/PID/status and the wait channel (wchan: the kernel function a sleeping "
                        + "process waits in), with its meaning when it is a common one:",
                "  wait_for_partner                waiting in open() for the other end of a FIFO",
                "  pipe_read, anon_pipe_read       waiting for data in a pipe",
                "  pipe_write, anon_pipe_write     waiting for room in a full pipe",
                "  do_wait                         waiting for a child",
                "  do_sys_poll, do_select, ep_poll waiting in poll, select or epoll",
                "  futex_do_wait, futex_wait_queue waiting on a lock or condition",
                "",
                "--json keys: pid, name, state (as the kernel writes it: \"S (sleeping)\"),",
                "ppid, uid (real), threads, vm_rss (KiB; null when the process has none),",
                "voluntary_ctxt_switches, nonvoluntary_ctxt_switches, wchan (\"\" when it is",
                "running or the kernel hides it)."},
        footer = {"", "Exit codes: 0 ok, 1 no such process, 2 PID is not a number."})
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Parameters(index = "0", paramLabel = "PID", converter = PidConverter.class, description = "The process id.")
    long pid;

    /** A process ID, or a usage error that says what one is. */
    static final class PidConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a PID: a process ID is a "
                        + "number, as ps, pgrep and $! show (e.g. fifokit status $$ for this shell)");
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        ProcessStatus s = ProcessStatus.of(pid);
        System.out.print(json ? DiagnosticsJson.status(s) + "\n" : text(s));
        return ExitCodes.OK;
    }

    static String text(ProcessStatus s) {
        StringBuilder b = new StringBuilder();
        line(b, "pid", Long.toString(s.pid()));
        line(b, "name", s.name());
        line(b, "state", s.state());
        line(b, "ppid", Long.toString(s.ppid()));
        line(b, "uid", Long.toString(s.uid()));
        line(b, "threads", Long.toString(s.threads()));
        line(b, "vm_rss", s.vmRssKib() < 0 ? "-" : s.vmRssKib() + " kB");
        line(b, "voluntary_ctxt_switches", Long.toString(s.voluntaryContextSwitches()));
        line(b, "nonvoluntary_ctxt_switches", Long.toString(s.involuntaryContextSwitches()));
        String meaning = s.wchanMeaning();
        line(b, "wchan", s.wchan().isEmpty() ? "-" : meaning.isEmpty() ? s.wchan() : s.wchan() + "  (" + meaning + ")");
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format("%-27s %s%n", key, value));
    }
}
