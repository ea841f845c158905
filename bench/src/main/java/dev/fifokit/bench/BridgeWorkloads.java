package dev.fifokit.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static dev.fifokit.bench.Runs.quote;
import static dev.fifokit.bench.Runs.shell;

/**
 * {@code fifokit bridge} against {@code socat} on the same loopback path, raw bytes:
 * source → FIFO A → tool (listening, reads A) → TCP 127.0.0.1 → tool (dialling, writes B) →
 * FIFO B → sink. The source vmsplice(2)s and the sink splice(2)s into /dev/null, so the figure
 * is the two tool processes' own cost; the sink times from its first byte to end of file, so
 * JVM start-up is not in it. Without socat the row is skipped (it is the baseline).
 */
final class BridgeWorkloads {
    private BridgeWorkloads() {}

    static void register(Registry r, Env env) {
        String id = "bridge-raw";
        String title = "bridge: FIFO → TCP loopback → FIFO, raw (fifokit bridge vs socat)";
        if (!env.hasTool("socat")) {
            r.add(Workload.pending(id, title, "skipped: socat is not installed (it is this row's baseline)"));
            return;
        }
        r.add(new Workload(id, title, List.of(Metric.throughput(0.9)),
                List.of(new Contender("fifokit", true, run("fifokit")), new Contender("socat", false, run("socat"))),
                Pinning.ANY,
                "both tools plain TCP on 127.0.0.1, listener reads FIFO A, dialler writes FIFO B; "
                        + "socat -u with defaults; ratio = fifokit / socat"));
    }

    private static Runner run(String tool) {
        return (env, s, p) -> {
            Path in = env.fifo("bridge-in");
            Path out = env.fifo("bridge-out");
            int port = freePort();
            long bytes = s.cliBytes();
            var source = new Runs.Cmd("source", Placement.pin(p.first(), env.c("stream", "vsource", bytes, 65536, in)));
            var sink = new Runs.Cmd("sink", Placement.pin(p.first(), env.c("stream", "vsink", out)));
            String pin = Placement.shellPin(p.second());
            String script = switch (tool) {
                // the listener serves one client, then is stopped once the dialler has everything
                case "fifokit" -> pin + shell(env.fifokit()) + " bridge " + quote("fifo:" + in) + " "
                        + quote("tcp-listen:127.0.0.1:" + port) + " & L=$!; "
                        + pin + shell(env.fifokit()) + " bridge --reconnect " + quote("tcp:127.0.0.1:" + port) + " "
                        + quote("fifo:" + out) + "; s=$?; kill $L; wait $L; exit $s";
                case "socat" -> pin + "socat -u " + quote("OPEN:" + in + ",rdonly") + " "
                        + quote("TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr") + " & L=$!; "
                        + pin + "socat -u " + quote("TCP:127.0.0.1:" + port + ",retry=200,interval=0.05") + " "
                        + quote("OPEN:" + out + ",wronly") + "; s=$?; wait $L; exit $s";
                default -> throw new IllegalArgumentException(tool);
            };
            return Runs.run(env, s.runTimeout(), sink, Runs.sh("tools", script), source);
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
