package dev.fifokit.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CLI start-up (a target row of BENCHMARKS.md): wall time of {@code fifokit limits}, through the launcher
 * when the suite was started by it, against a JVM hello-world ({@code java -cp DIR Hello},
 * default options) compiled at bench time; and {@code fifokit --help}, {@code --version} and
 * {@code completion bash} against {@code fifokit limits}. Each sample is the median of several starts.
 */
final class StartupWorkload {
    private StartupWorkload() {}

    static void register(Registry r, Env env) {
        List<Contender> contenders = new ArrayList<>();
        contenders.add(new Contender("fifokit limits", true, run(e -> concat(e.fifokit(), "limits"))));
        if (env.helloDir() != null) {
            contenders.add(new Contender("java hello", false,
                    run(e -> List.of(Env.javaExecutable(), "-cp", e.helloDir().toString(), "Hello"))));
        }
        String how = env.fifokit().size() == 1 ? "launcher " + env.fifokit().getFirst() : "java -cp (no launcher)";
        r.add(new Workload("startup", "CLI start-up: fifokit limits vs JVM hello-world",
                List.of(Metric.millis(2.0)), contenders, Pinning.NONE, "fifokit via " + how));
        // what a user starts most after a command: help, the version, a completion script
        for (List<String> args : List.of(List.of("--help"), List.of("--version"), List.of("completion", "bash"))) {
            String id = "startup-" + args.getFirst().replace("--", "");
            String shown = "fifokit " + String.join(" ", args);
            r.add(new Workload(id, "CLI start-up: " + shown + " vs fifokit limits", List.of(Metric.millis(1.2)),
                    List.of(new Contender(shown, true, run(e -> concat(e.fifokit(), args))),
                            new Contender("fifokit limits", false, run(e -> concat(e.fifokit(), List.of("limits"))))),
                    Pinning.NONE, "fifokit via " + how));
        }
    }

    private interface Command {
        List<String> of(Env env);
    }

    private static Runner run(Command command) {
        return (env, s, p) -> {
            long[] ms = new long[s.startupRuns()];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                Process proc = new ProcessBuilder(env.prioritized(command.of(env)))
                        .redirectOutput(new File("/dev/null")).redirectError(ProcessBuilder.Redirect.PIPE).start();
                proc.getOutputStream().close();
                byte[] err = proc.getErrorStream().readAllBytes();
                if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                    Runs.kill(proc);
                    throw new BenchFailure("start-up run did not finish");
                }
                ms[i] = (System.nanoTime() - t0) / 1_000_000;
                if (proc.exitValue() != 0) {
                    throw new BenchFailure("exit " + proc.exitValue() + ": " + new String(err).strip());
                }
            }
            Arrays.sort(ms);
            return Sample.of("ms", ms[ms.length / 2]);
        };
    }

    private static List<String> concat(List<String> a, String b) {
        return concat(a, List.of(b));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

}
