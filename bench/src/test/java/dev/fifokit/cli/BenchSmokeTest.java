package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code fifokit bench} from rotting: every workload runs once in the tiny smoke mode
 * (gcc compiles the C baselines, Java and C peers start, results parse). Its numbers are
 * never checked: benchmarks are not timed assertions.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BenchSmokeTest {

    static final List<String> WORKLOADS = List.of("calls-64", "calls-4096", "bulk-4k-64k", "bulk-8k-64k",
            "bulk-64k-64k", "bulk-64k-1m", "splice-null", "splice-file", "mesg-single", "mesg-batched",
            "pingpong-block", "pingpong-spin", "server-1000", "cli-cat", "cli-write", "cli-cat-dd", "startup", "startup-help",
            "startup-version", "startup-completion", "idle-readers");

    @Test
    void everyWorkloadRunsInSmokeMode() throws Exception {
        CliProcess.Result r = CliProcess.run(280, "bench", "--smoke", "--json");

        assertThat(r.exit()).as(r.stderr()).isZero();
        String json = r.out();
        for (String id : WORKLOADS) {
            assertThat(json).as(id).contains("\"workload\":\"" + id + "\"");
        }
        assertThat(json).as(r.stderr()).contains("\"failures\":[]");
        assertThat(json).contains("\"ratio\":").contains("\"ratio_of_medians\":");
    }

    @Test
    void listNamesEveryWorkload() throws Exception {
        CliProcess.Result r = CliProcess.run(120, "bench", "--list");

        assertThat(r.exit()).as(r.stderr()).isZero();
        for (String id : WORKLOADS) {
            assertThat(r.out()).contains(id);
        }
    }

    @Test
    void unknownPlacementIsAUsageError() throws Exception {
        CliProcess.Result r = CliProcess.run(120, "bench", "--placement", "sideways");

        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr()).contains("fifokit: --placement must be cross, same or both");
    }

    @Test
    void noMatchingWorkloadIsAUsageError() throws Exception {
        CliProcess.Result r = CliProcess.run(120, "bench", "--only", "no-such-workload");

        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr()).contains("no workload matches");
    }
}
