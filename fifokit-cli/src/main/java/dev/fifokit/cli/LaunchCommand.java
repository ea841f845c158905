package dev.fifokit.cli;

import dev.fifokit.NoSuchProcessException;
import dev.fifokit.diagnostics.Launcher;
import dev.fifokit.diagnostics.ProcessStatus;
import dev.fifokit.ends.FifoEnd;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.spawn.Spawn;
import dev.fifokit.spawn.SpawnException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code fifokit launch}: the background launcher (run a command, show its output as it
 * comes, stop it on exit) on the command line. */
@Command(name = "launch", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Run a command in the background and show its output and state as they come.",
                "No shell: use `launch -- sh -c '...'` for one.",
                "Standard output: each line the command writes there, as 'out| LINE'.",
                "Standard error: each line the command writes there, as 'err| LINE'; before them 'pid N', "
                        + "then 'state WORDS' whenever its state holds a new value for two polls (100ms "
                        + "apart), with what its wait channel means: 'state sleeping in wait_for_partner "
                        + "(waiting in open() for the other end)', 'state sleeping in pipe_write (waiting for "
                        + "room)'...; last 'exit N'.",
                "Standard input is passed through (unless --read-fd 0=PATH); no other descriptor leaks "
                        + "into the command. SIGTERM or SIGINT to launch stops the command and its "
                        + "children: SIGTERM, then SIGKILL after the grace period."},
        footer = {"", "Exit status: the command's (128+N when signal N killed it); 127 command not found; "
                + "126 not executable; 141 when launch's own stdout is gone."})
final class LaunchCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(100);

    @Option(names = {"-g", "--grace"}, paramLabel = "DUR", converter = DurationConverter.class,
            defaultValue = "2s", description = "Time between SIGTERM and SIGKILL when stopping (default: 2s).")
    Duration grace;

    @Option(names = "--read-fd", paramLabel = "N=PATH",
            description = "Give the command PATH, opened for reading, as its descriptor N (0: its standard"
                    + " input). The open waits for a writer, as a shell's N<PATH does. Repeatable. PATH may be"
                    + " fd:M (a descriptor launch inherited) or listen:NAME (one systemd passed).")
    List<String> readFds = new ArrayList<>();

    @Option(names = "--write-fd", paramLabel = "N=PATH",
            description = "Give the command PATH, opened for writing, as its descriptor N (1: its standard"
                    + " output, then not shown as out| lines). The open waits for a reader, as N>PATH does."
                    + " Repeatable; PATH as for --read-fd.")
    List<String> writeFds = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The program and its arguments.")
    List<String> command;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        CountDownLatch pidShown = new CountDownLatch(1);
        AtomicBoolean outGone = new AtomicBoolean();
        Launcher.OutputListener listener = (source, line) -> {
            awaitQuietly(pidShown);
            if (source == Launcher.Source.STDOUT) {
                out.print("out| " + line + "\n");
                out.flush();
                if (out.checkError()) {
                    outGone.set(true);
                }
            } else {
                // the command's stderr stays on stderr: `2>/dev/null` hides it, as without launch
                err.print("err| " + line + "\n");
                err.flush();
            }
        };
        Spawn spawn = Spawn.command(command);
        List<FifoEnd> ends = new ArrayList<>();
        Launcher launcher;
        try {
            // opened in the order given, each waiting for its peer, as a shell's redirections do
            for (String spec : readFds) {
                int n = descriptorNumber(spec, "--read-fd");
                // a reader that waited for its writer may hold the first byte: wait without reading
                FifoReader end = Endpoints.reader(pathOf(spec), ReaderOptions.defaults().awaitWriter(false));
                ends.add(end);
                if (!Endpoints.isDescriptor(pathOf(spec))) {
                    Spawn.awaitWriter(end, null);
                }
                spawn.fd(n, end);
            }
            for (String spec : writeFds) {
                int n = descriptorNumber(spec, "--write-fd");
                FifoWriter end = Endpoints.writer(pathOf(spec), WriterOptions.defaults());
                ends.add(end);
                spawn.fd(n, end);
            }
            launcher = Launcher.start(spawn, grace, listener);
        } catch (SpawnException e) {
            err.println("fifokit: " + e.getMessage());
            return e.shellStatus();
        } finally {
            for (FifoEnd end : ends) {
                end.close(); // the command has its own copies
            }
        }
        Thread stopper = new Thread(launcher::close, "fifokit-launch-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try (launcher) {
            err.println("pid " + launcher.pid());
            err.flush();
            pidShown.countDown();
            watch(launcher, err, outGone);
            if (outGone.get()) {
                return ExitCodes.BROKEN_PIPE;
            }
            int status = launcher.waitFor();
            err.println("exit " + status);
            err.flush();
            return status;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already stopping the command
            }
        }
    }

    private int descriptorNumber(String value, String option) {
        int eq = value.indexOf('=');
        try {
            if (eq > 0 && eq < value.length() - 1) {
                int n = Integer.parseInt(value.substring(0, eq));
                if (n >= 0) {
                    return n;
                }
            }
        } catch (NumberFormatException e) {
            // the usage error below
        }
        throw new CommandLine.ParameterException(spec.commandLine(), option + " needs N=PATH with N a descriptor number: " + value);
    }

    private static Path pathOf(String spec) {
        return Path.of(spec.substring(spec.indexOf('=') + 1));
    }

    /** Reports each state that holds for two polls in a row, until the command exits or stdout goes. */
    private static void watch(Launcher launcher, PrintStream err, AtomicBoolean outGone) throws InterruptedException {
        String seen = null;
        String reported = null;
        while (!launcher.awaitExit(POLL) && !outGone.get()) {
            String now;
            try {
                ProcessStatus s = launcher.status();
                String meaning = s.wchanMeaning();
                now = meaning.isEmpty() ? s.activity() : s.activity() + " (" + meaning + ")";
            } catch (NoSuchProcessException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            if (now.equals(seen) && !now.equals(reported)) {
                err.println("state " + now);
                err.flush();
                reported = now;
            }
            seen = now;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
