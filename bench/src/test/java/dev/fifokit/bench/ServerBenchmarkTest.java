package dev.fifokit.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark runs and reports; its numbers are never asserted (the targets are in BENCHMARKS.md). */
@Timeout(60)
class ServerBenchmarkTest {
    /**
     * Long enough that a loaded machine still completes requests inside it (200-300 ms once saw
     * none); the figures themselves are never asserted.
     */
    private static final Duration WINDOW = Duration.ofMillis(1500);

    @Test
    void aShortRunReportsRequestsAndLatencies() throws Exception {
        ServerBenchmark.Result r = ServerBenchmark.run(4, WINDOW);
        assertThat(r.clients()).isEqualTo(4);
        assertThat(r.failures()).isZero();
        assertThat(r.requests()).isPositive();
        assertThat(r.p99()).isGreaterThanOrEqualTo(r.p50());
        assertThat(r.row()).contains("us");
        assertThat(ServerBenchmark.header()).contains("req/s", "p50", "p99");
    }

    @Test
    void aRunInAGivenDirectoryLeavesNothingBehind(@TempDir Path parent) throws Exception {
        ServerBenchmark.Result r = ServerBenchmark.run(8, WINDOW, parent);
        assertThat(r.failures()).isZero();
        assertThat(r.requests()).isPositive();
        try (var left = Files.list(parent)) {
            assertThat(left).isEmpty(); // no reply FIFO, no server.fifo, no directory
        }
    }

    @Test
    void theDefaultDirectoryIsAWritableDirectory() {
        Path p = ServerBenchmark.defaultParent();
        assertThat(p).isDirectory().isWritable();
        assertThat(ServerBenchmark.filesystem(p)).isNotEmpty();
    }
}
