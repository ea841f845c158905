package dev.fifokit.server;

import dev.fifokit.Durations;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures the request/response server (SPEC §11, "server: 1000 concurrent clients"): a
 * {@link FifoServer} with an echo handler in a private temporary directory, and N in-process
 * {@link FifoClient}s on virtual threads, each sending 64-byte requests back to back for a
 * while. Reports requests per second and the p50/p99 round-trip latency of one request
 * (create the reply FIFO, send, read the reply, remove the FIFO). A benchmark, never a test:
 * numbers depend on the machine.
 *
 * <pre>{@code
 * ServerBenchmark.Result r = ServerBenchmark.run(16, Duration.ofSeconds(5));
 * System.out.println(r.requestsPerSecond() + " req/s, p99 " + r.p99());
 * }</pre>
 *
 * From a shell: {@code java --enable-native-access=ALL-UNNAMED -cp fifokit-core.jar
 * dev.fifokit.server.ServerBenchmark [SECONDS] [CLIENTS...]} (default 5 s; 1, 16, 256).
 */
public final class ServerBenchmark {
    private ServerBenchmark() {}

    /** Size of each request and reply payload. */
    public static final int PAYLOAD_BYTES = 64;

    /**
     * One measurement.
     *
     * @param clients            concurrent clients
     * @param requests           requests answered during the measured period (after warm-up)
     * @param elapsed            the measured period
     * @param requestsPerSecond  {@code requests / elapsed}
     * @param p50                median round trip of one request
     * @param p99                99th percentile round trip
     * @param failures           requests that failed (should be 0)
     */
    public record Result(int clients, long requests, Duration elapsed, double requestsPerSecond,
                         Duration p50, Duration p99, long failures) {
        /** One line for a table: clients, req/s, p50, p99, failures. */
        public String row() {
            return String.format(Locale.ROOT, "%7d %12.0f %10s %10s %8d", clients, requestsPerSecond,
                    micros(p50), micros(p99), failures);
        }

        private static String micros(Duration d) {
            return String.format(Locale.ROOT, "%.0fus", d.toNanos() / 1000.0);
        }
    }

    /** The header matching {@link Result#row()}. */
    public static String header() {
        return String.format(Locale.ROOT, "%7s %12s %10s %10s %8s", "clients", "req/s", "p50", "p99", "failures");
    }

    /**
     * Runs {@code clients} concurrent clients for {@code duration} (plus a warm-up of a fifth of
     * it, at most 2 s, not counted) against a fresh server, and stops it.
     */
    public static Result run(int clients, Duration duration) throws IOException, InterruptedException {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be at least 1: " + clients);
        }
        Path base = Files.createTempDirectory("fifokit-bench");
        Path dir = base.resolve("srv");
        long warmupNanos = Math.min(duration.toNanos() / 5, Duration.ofSeconds(2).toNanos());
        RequestHandler echo = (req, reply) -> reply.send(req.payload());
        try (FifoServer _ = FifoServer.bind(dir, echo,
                ServerOptions.defaults().maxInFlight(Math.max(256, clients)).log(line -> { }));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            long measureFrom = start + warmupNanos;
            long end = measureFrom + duration.toNanos();
            AtomicLong failures = new AtomicLong();
            List<Future<long[]>> perClient = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                FifoClient client = FifoClient.of(dir).id(FifoClient.uniqueId()).timeout(Duration.ofSeconds(30));
                perClient.add(pool.submit(() -> loop(client, measureFrom, end, failures)));
            }
            long[][] samples = new long[clients][];
            int total = 0;
            for (int c = 0; c < clients; c++) {
                try {
                    samples[c] = perClient.get(c).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("benchmark client failed", e.getCause());
                }
                total += samples[c].length;
            }
            long[] all = new long[total];
            int at = 0;
            for (long[] s : samples) {
                System.arraycopy(s, 0, all, at, s.length);
                at += s.length;
            }
            Arrays.sort(all);
            Duration elapsed = Duration.ofNanos(end - measureFrom);
            return new Result(clients, total, elapsed, total / (elapsed.toNanos() / 1e9),
                    Duration.ofNanos(percentile(all, 0.50)), Duration.ofNanos(percentile(all, 0.99)), failures.get());
        } finally {
            deleteTree(base);
        }
    }

    /** One client: requests back to back until {@code end}; returns the latencies measured after {@code from}. */
    private static long[] loop(FifoClient client, long from, long end, AtomicLong failures) {
        byte[] payload = new byte[PAYLOAD_BYTES];
        Arrays.fill(payload, (byte) 'x');
        long[] lat = new long[1024];
        int n = 0;
        while (true) {
            long t0 = System.nanoTime();
            if (t0 - end >= 0) {
                break;
            }
            try {
                client.request(payload);
            } catch (IOException e) {
                failures.incrementAndGet();
                continue;
            }
            long t1 = System.nanoTime();
            if (t0 - from >= 0 && t1 - end <= 0) {
                if (n == lat.length) {
                    lat = Arrays.copyOf(lat, n * 2);
                }
                lat[n++] = t1 - t0;
            }
        }
        return Arrays.copyOf(lat, n);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Prints a table for 1, 16 and 256 clients (or the counts given) over 5 s (or the first argument). */
    public static void main(String[] args) throws Exception {
        Duration each = args.length > 0 ? Durations.parse(args[0].matches("\\d+") ? args[0] + "s" : args[0])
                : Duration.ofSeconds(5);
        List<Integer> counts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts = List.of(1, 16, 256);
        }
        PrintStream out = System.out;
        out.println("fifokit server: " + PAYLOAD_BYTES + "-byte echo requests, " + Durations.format(each) + " each");
        out.println(header());
        for (int c : counts) {
            out.println(run(c, each).row());
        }
    }
}
