package dev.fifokit.internal.linux;

import dev.fifokit.Limits;
import dev.fifokit.testing.CPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Limits.read()} reads /proc and fills a JDK pipe instead of calling libc; these tests
 * check every such reading against the libc call it replaces, and against tools outside the JVM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SystemLimitsTest {
    @TempDir
    Path dir;

    @Test
    void procReadingsAgreeWithTheLibcCalls() {
        long[] nofile = SystemLimits.descriptorLimits();
        assertThat(nofile).containsExactly(SystemLimits.descriptorLimitsByGetrlimit());
        assertThat(SystemLimits.openMax(nofile[0])).isEqualTo(SystemLimits.sysconf(Flags.SC_OPEN_MAX));
        assertThat(SystemLimits.pageSize()).isEqualTo(SystemLimits.sysconf(Flags.SC_PAGESIZE));
        assertThat(SystemLimits.defaultCapacity(SystemLimits.pageSize()))
                .isEqualTo(SystemLimits.defaultCapacityByFcntl());
        assertThat((long) SystemLimits.PIPE_BUF).isEqualTo(SystemLimits.pipeBuf(Path.of("/")));
    }

    @Test
    void limitsReadAgreesWithTheLibcCalls() {
        Limits l = Limits.read();
        long[] nofile = SystemLimits.descriptorLimitsByGetrlimit();
        assertThat(l.pipeBuf()).isEqualTo(SystemLimits.pipeBuf(Path.of("/")));
        assertThat(l.openMax()).isEqualTo(SystemLimits.sysconf(Flags.SC_OPEN_MAX));
        assertThat(l.descriptorLimit()).isEqualTo(nofile[0]);
        assertThat(l.descriptorHardLimit()).isEqualTo(nofile[1]);
        assertThat(l.defaultCapacity()).isEqualTo(SystemLimits.defaultCapacityByFcntl());
        assertThat(l.pageSize()).isEqualTo(SystemLimits.sysconf(Flags.SC_PAGESIZE));
    }

    @Test
    void limitsReadAgreesWithGetconf() throws Exception {
        Limits l = Limits.read();
        assertThat(l.pageSize()).isEqualTo(Long.parseLong(run("getconf", "PAGESIZE")));
        assertThat(l.pipeBuf()).isEqualTo(Long.parseLong(run("getconf", "PIPE_BUF", "/")));
    }

    @Test
    void defaultCapacityAgreesWithCsFGetpipeSz() throws Exception {
        Path exe = CPeer.compile(dir, "pipe_size", """
                #define _GNU_SOURCE
                #include <fcntl.h>
                #include <stdio.h>
                #include <unistd.h>
                int main(void) {
                    int fds[2];
                    if (pipe(fds) < 0) { perror("pipe"); return 1; }
                    printf("%d %ld\\n", fcntl(fds[0], F_GETPIPE_SZ), sysconf(_SC_PAGESIZE));
                    return 0;
                }
                """);
        String[] got = run(exe.toString()).split(" ");
        assertThat((long) Limits.read().defaultCapacity()).isEqualTo(Long.parseLong(got[0]));
        assertThat(Limits.read().pageSize()).isEqualTo(Long.parseLong(got[1]));
    }

    @Test
    void descriptorLimitsAreReadFromAnotherProcessesLimitsFile() throws Exception {
        // a shell lowers its own limits, then shows its /proc/self/limits: the parser must find them
        Path copy = dir.resolve("limits");
        run("sh", "-c", "ulimit -S -n 777 && ulimit -H -n 900 && cat /proc/self/limits > '" + copy + "'");
        assertThat(SystemLimits.descriptorLimitsFromProc(copy)).containsExactly(777, 900);
    }

    @Test
    void unlimitedReadsAsRlimInfinityAndBadFilesAsNothing() throws IOException {
        Path f = dir.resolve("limits");
        Files.writeString(f, """
                Limit                     Soft Limit           Hard Limit           Units
                Max cpu time              unlimited            unlimited            seconds
                Max open files            unlimited            unlimited            files
                """);
        assertThat(SystemLimits.descriptorLimitsFromProc(f)).containsExactly(-1, -1);
        Files.writeString(f, "Max open files            many                 more                 files\n");
        assertThat(SystemLimits.descriptorLimitsFromProc(f)).isNull();
        Files.writeString(f, "Max processes             10                   10                   processes\n");
        assertThat(SystemLimits.descriptorLimitsFromProc(f)).isNull();
        assertThat(SystemLimits.descriptorLimitsFromProc(dir.resolve("missing"))).isNull();
    }

    @Test
    void pageSizeIsFoundInAnAuxiliaryVectorAndOnlyThere() throws IOException {
        Path f = dir.resolve("auxv");
        Files.write(f, auxv(33, 0x7fff0000L, 16, 0xbfebfbffL, 6, 16384, 0, 0));
        assertThat(SystemLimits.pageSizeFromAuxv(f)).isEqualTo(16384);
        Files.write(f, auxv(33, 1, 0, 0, 6, 4096));
        assertThat(SystemLimits.pageSizeFromAuxv(f)).as("past AT_NULL").isEqualTo(-1);
        Files.write(f, new byte[12]);
        assertThat(SystemLimits.pageSizeFromAuxv(f)).as("truncated").isEqualTo(-1);
        assertThat(SystemLimits.pageSizeFromAuxv(dir.resolve("missing"))).isEqualTo(-1);
    }

    private static byte[] auxv(long... pairs) {
        ByteBuffer b = ByteBuffer.allocate(pairs.length * 8).order(ByteOrder.nativeOrder());
        for (long v : pairs) {
            b.putLong(v);
        }
        return b.array();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
            assertThat(p.exitValue()).as("%s: %s", command[0], out).isZero();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
