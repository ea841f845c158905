package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fifokit limits} reads /proc instead of calling libc (start-up, SPEC §11); its numbers
 * must still be the system's, as tools outside the JVM report them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitsCommandTest {

    @Test
    void numbersAgreeWithGetconf() throws Exception {
        var r = CliProcess.run(60, "limits", "--json");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(value(r.out(), "page_size")).isEqualTo(Long.parseLong(sh("getconf PAGESIZE")));
        assertThat(value(r.out(), "pipe_buf")).isEqualTo(Long.parseLong(sh("getconf PIPE_BUF /")));
        assertThat(value(r.out(), "max_capacity"))
                .isEqualTo(Long.parseLong(sh("cat /proc/sys/fs/pipe-max-size")));
    }

    @Test
    void openMaxIsTheDescriptorLimitTheShellSet() throws Exception {
        // soft = hard, so the JVM cannot raise it at start (it raises the soft limit to the hard one)
        long hard = Long.parseLong(sh("ulimit -H -n"));
        long limit = Math.min(hard, 1000);
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -n " + limit + " && exec \"$@\"", "sh"));
        cmd.addAll(CliProcess.command("limits", "--json"));
        Process p = new ProcessBuilder(cmd).start();
        var r = CliProcess.finish(p, new byte[0], 60);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(value(r.out(), "open_max")).isEqualTo(limit);
    }

    private static long value(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        assertThat(m.find()).as("%s in %s", key, json).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s: %s", script, out).isZero();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
