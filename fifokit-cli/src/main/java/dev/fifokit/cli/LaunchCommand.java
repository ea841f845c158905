package dev.fifokit.cli;

import dev.fifokit.NoSuchProcessException;
import dev.fifokit.diagnostics.Launcher;
import dev.fifokit.diagnostics.ProcessStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code fifokit launch}: the seed's background launcher on the command line (SPEC §8, §9, §12). */
@Command(name = "launch", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Run a command in the background and show its output and state as they come.",
                "No shell: use `launch -- sh -c '...'` for one.",
                "Standard output: each line the command writes there, as 'out| LINE'.",
                "Standard error: each line the command writes there, as 'err| LINE'; before them 'pid N', "
                        + "then 'state WORDS' whenever its state holds a new value for two polls (100ms "
                        + "apart), with what its wait channel means: 'state sleeping in wait_for_partner "
                        + "(waiting in open() for the other end)', 'state sleeping in pipe_write (waiting for "
                        + "room)'...; last 'exit N'.",
                "Standard input is passed through. SIGTERM or SIGINT to launch stops the command and its "
                        + "children: SIGTERM, then SIGKILL after the grace period."},
        footer = {"", "Exit status: the command's (128+N when signal N killed it); 127 command not found; "
                + "126 not executable; 141 when launch's own stdout is gone."})
final class LaunchCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(100);

    @Option(names = {"-g", "--grace"}, paramLabel = "DUR", converter = DurationConverter.class,
            defaultValue = "2s", description = "Time between SIGTERM and SIGKILL when stopping (default: 2s).")
    Duration grace;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The program and its arguments.")
    List<String> command;

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
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT);
        Launcher launcher;
        try {
            launcher = Launcher.start(pb, grace, listener);
        } catch (NoSuchFileException e) {
            err.println("fifokit: " + command.getFirst() + ": command not found");
            return 127;
        } catch (AccessDeniedException e) {
            err.println("fifokit: " + command.getFirst() + ": permission denied");
            return 126;
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
