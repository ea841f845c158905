package dev.fifokit.bench;

import dev.fifokit.Durations;
import dev.fifokit.server.FifoClient;
import dev.fifokit.server.FifoServer;
import dev.fifokit.server.RequestHandler;
import dev.fifokit.server.ServerOptions;

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
 * Measures the request/response server ("server: 1000 concurrent clients"): a
 * {@link FifoServer} with an echo handler in a private temporary directory, and N in-process
 * {@link FifoClient}s on virtual threads, each sending 64-byte requests back to back for a
 * while. Reports requests per second and the p50/p99 round-trip latency of one request
 * (create the reply FIFO, send, read the reply, remove the FIFO). A benchmark, never a test:
 * numbers depend on the machine.
 *
 * <p><b>Where.</b> Every request creates and removes a FIFO in the server's directory, so the
 * filesystem under it is part of what is measured. The benchmark puts its directory on a
 * tmpfs ({@code $XDG_RUNTIME_DIR}, else {@code /dev/shm}) when there is one, else in
 * {@code java.io.tmpdir}; {@link #run(int, Duration, Path)} chooses. On ext4 without a journal
 * (common on VMs) each mkfifo scans past every inode freed in the last
 * {@code dirty_expire_centisecs} (30 s) while holding the directory's lock, so there
 * the figures measure the filesystem's inode allocator more than the server.
 *
 * <pre>{@code
 * ServerBenchmark.Result r = ServerBenchmark.run(16, Duration.ofSeconds(5));
 * System.out.println(r.requestsPerSecond() + " req/s, p99 " + r.p99());
 * }</pre>
 *
 * From a shell: {@code java --enable-native-access=ALL-UNNAMED -cp
 * fifokit-cli/target/fifokit.jar:bench/target/fifokit-bench.jar dev.fifokit.bench.ServerBenchmark
 * [SECONDS] [CLIENTS...]} (default 5 s; 1, 16, 256).
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
     * Runs {@code clients} concurrent clients for {@code duration} against a fresh server in
     * {@link #defaultParent()}, and stops it; see {@link #run(int, Duration, Path)}.
     */
    public static Result run(int clients, Duration duration) throws IOException, InterruptedException {
        return run(clients, duration, defaultParent());
    }

    /**
     * Runs {@code clients} concurrent clients for {@code duration} (plus a warm-up of half of
     * it, at most 3 s, not counted: on 2 vCPUs the JIT compilers are still busy for seconds)
     * against a fresh server whose directory is made in a new temporary directory under
     * {@code parent}, and stops it.
     */
    public static Result run(int clients, Duration duration, Path parent) throws IOException, InterruptedException {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be at least 1: " + clients);
        }
        Path base = Files.createTempDirectory(parent, "fifokit-bench");
        Path dir = base.resolve("srv");
        RequestHandler echo = (req, reply) -> reply.send(req.payload());
        try (FifoServer _ = FifoServer.bind(dir, echo,
                ServerOptions.defaults().maxInFlight(Math.max(256, clients)).log(line -> { }))) {
            return load(dir, clients, duration);
        } finally {
            deleteTree(base);
        }
    }

    /**
     * Runs {@code clients} concurrent in-process clients for {@code duration} (plus the same
     * warm-up as {@link #run(int, Duration, Path)}) against the server already serving
     * {@code dir}, whatever it is (this JVM's, another process's, a C server's).
     */
    public static Result load(Path dir, int clients, Duration duration) throws IOException, InterruptedException {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be at least 1: " + clients);
        }
        long warmupNanos = Math.min(duration.toNanos() / 2, Duration.ofSeconds(3).toNanos());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
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
        }
    }

    /**
     * Where {@link #run(int, Duration)} makes its directory: {@code $XDG_RUNTIME_DIR} or
     * {@code /dev/shm} when it is a writable tmpfs, else {@code java.io.tmpdir}.
     */
    public static Path defaultParent() {
        for (String candidate : new String[] {System.getenv("XDG_RUNTIME_DIR"), "/dev/shm"}) {
            if (candidate == null || candidate.isEmpty()) {
                continue;
            }
            Path p = Path.of(candidate);
            try {
                if (Files.isDirectory(p) && Files.isWritable(p) && "tmpfs".equals(Files.getFileStore(p).type())) {
                    return p;
                }
            } catch (IOException ignored) {
                // not usable: try the next one
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The filesystem type under {@code dir} ("tmpfs", "ext4", ...), or "?" when unknown. */
    public static String filesystem(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "?";
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

    /**
     * Prints a table for 1, 16 and 256 clients (or the counts given) over 5 s (or the first
     * argument). {@code -Dfifokit.bench.dir=DIR} puts the server's directory under DIR instead
     * of {@link #defaultParent()}.
     */
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
        String where = System.getProperty("fifokit.bench.dir");
        Path parent = where != null ? Path.of(where) : defaultParent();
        PrintStream out = System.out;
        out.println("fifokit server: " + PAYLOAD_BYTES + "-byte echo requests, " + Durations.format(each) + " each, in "
                + parent + " (" + filesystem(parent) + ")");
        out.println(header());
        for (int c : counts) {
            out.println(run(c, each, parent).row());
        }
    }
}
