package dev.fifokit.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.fifokit.bench.Runs.quote;
import static dev.fifokit.bench.Runs.shell;

/**
 * The CLI against dd, pv and socat (installed ones only), moving the same bytes through a FIFO
 * in both directions, each tool between the same C source and C sink:
 * <ul>
 *   <li>{@code cli-cat}: source → FIFO → tool → pipe → sink ({@code fifokit cat FIFO | sink})</li>
 *   <li>{@code cli-write}: source → pipe → tool → FIFO → sink ({@code source | fifokit write FIFO})</li>
 * </ul>
 * The source vmsplice(2)s the same pages and the sink splice(2)s into /dev/null, so neither
 * copies a byte and the figure is the tool's own cost (with copying ends on a 2-vCPU machine,
 * every tool is held to the ends' copy rate, ~0.5 GB/s). The sink times from its first byte to
 * end of file, so JVM start-up is not in the figure (it has its own workload). The tool runs on
 * the reader's CPU, source and sink on the writer's.
 *
 * <p>{@code cli-cat-dd} is what a user sees: {@code dd if=/dev/zero bs=64k} into a FIFO and
 * {@code fifokit cat FIFO > /dev/null} against coreutils {@code cat}, the whole command timed
 * from the shell's start to the end of both, start-up included (2 GiB in a full run).
 */
final class CliWorkloads {
    private CliWorkloads() {}

    static void register(Registry r, Env env) {
        r.add(workload(env, true));
        r.add(workload(env, false));
        List<Contender> contenders = new ArrayList<>();
        contenders.add(new Contender("fifokit", true, wholeCat(true)));
        contenders.add(new Contender("cat", false, wholeCat(false)));
        r.add(new Workload("cli-cat-dd", "CLI whole command: dd bs=64k → FIFO → cat > /dev/null (fifokit vs coreutils)",
                List.of(Metric.throughput(1.5)), contenders, Pinning.NONE,
                "dd if=/dev/zero bs=64k (an ordinary copying writer), start-up included; ratio = fifokit / cat"));
    }

    /** Bytes of {@code cli-cat-dd}: 2 GiB in a full run, less in quick and smoke runs. */
    private static long wholeCatBytes(Settings s) {
        return Math.min(s.cliBytes(), 2L << 30);
    }

    private static Runner wholeCat(boolean fifokit) {
        return (env, s, p) -> {
            Path fifo = env.fifo("cli-dd");
            long count = wholeCatBytes(s) / 65536;
            String reader = fifokit ? shell(env.fifokit()) + " cat " + quote(fifo) : "cat " + quote(fifo);
            String script = "dd if=/dev/zero bs=64k count=" + count + " of=" + quote(fifo) + " status=none & "
                    + reader + " > /dev/null && wait $!";
            Path err = env.dir().resolve("cli-dd.err");
            long t0 = System.nanoTime();
            Process proc = new ProcessBuilder(env.prioritized(List.of("sh", "-c", script)))
                    .directory(env.dir().toFile())
                    .redirectInput(new File("/dev/null")).redirectOutput(new File("/dev/null"))
                    .redirectError(err.toFile()).start();
            try {
                if (!proc.waitFor(s.runTimeout().toSeconds(), TimeUnit.SECONDS)) {
                    throw new BenchFailure("the run did not finish within " + s.runTimeout().toSeconds() + "s");
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (proc.exitValue() != 0) {
                    throw new BenchFailure("exit " + proc.exitValue() + ": " + Files.readString(err).strip());
                }
                return Sample.of("bytes_per_s", count * 65536 / seconds);
            } finally {
                Runs.kill(proc);
                Files.deleteIfExists(err);
            }
        };
    }

    private static Workload workload(Env env, boolean cat) {
        List<Contender> contenders = new ArrayList<>();
        contenders.add(new Contender("fifokit", true, run(cat, "fifokit")));
        for (String tool : List.of("dd", "pv", "socat")) {
            if (env.hasTool(tool)) {
                contenders.add(new Contender(tool, false, run(cat, tool)));
            }
        }
        return new Workload(cat ? "cli-cat" : "cli-write",
                cat ? "CLI: FIFO → stdout pipe (fifokit cat vs tools)" : "CLI: stdin pipe → FIFO (fifokit write vs tools)",
                List.of(Metric.throughput(2.0)), contenders, Pinning.ANY,
                "zero-copy source (vmsplice) and sink (splice → /dev/null): the tool's own cost; "
                        + "dd bs=64K, pv -q, socat -u (defaults); ratio = fifokit / tool");
    }

    private static Runner run(boolean cat, String tool) {
        return (env, s, p) -> {
            Path fifo = env.fifo("cli");
            long bytes = s.cliBytes();
            String reader = Placement.shellPin(p.second());
            String writer = Placement.shellPin(p.first());
            if (cat) {
                var source = new Runs.Cmd("source", Placement.pin(p.first(),
                        env.c("stream", "vsource", bytes, 65536, fifo)));
                String script = reader + readCommand(env, tool, fifo) + " | " + writer + shell(env.c("stream", "vsink"));
                return Runs.run(env, s.runTimeout(), Runs.sh("tool", script), source);
            }
            var sink = new Runs.Cmd("sink", Placement.pin(p.first(), env.c("stream", "vsink", fifo)));
            String script = writer + shell(env.c("stream", "vsource", bytes, 65536)) + " | " + reader
                    + writeCommand(env, tool, fifo);
            return Runs.run(env, s.runTimeout(), sink, Runs.sh("tool", script));
        };
    }

    private static String readCommand(Env env, String tool, Path fifo) {
        return switch (tool) {
            case "fifokit" -> shell(env.fifokit()) + " cat " + quote(fifo);
            case "dd" -> "dd if=" + quote(fifo) + " bs=64K status=none";
            case "pv" -> "pv -q " + quote(fifo);
            case "socat" -> "socat -u " + quote("OPEN:" + fifo + ",rdonly") + " STDOUT";
            default -> throw new IllegalArgumentException(tool);
        };
    }

    private static String writeCommand(Env env, String tool, Path fifo) {
        return switch (tool) {
            case "fifokit" -> shell(env.fifokit()) + " write " + quote(fifo);
            case "dd" -> "dd of=" + quote(fifo) + " bs=64K status=none";
            case "pv" -> "pv -q > " + quote(fifo);
            case "socat" -> "socat -u STDIN " + quote("OPEN:" + fifo + ",wronly");
            default -> throw new IllegalArgumentException(tool);
        };
    }
}
