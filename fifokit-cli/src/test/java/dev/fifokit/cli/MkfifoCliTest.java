package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MkfifoCliTest {
    @TempDir
    Path dir;

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void createsFifosWithTheExactModeIgnoringTheUmask() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        var r = CliProcess.run(30, "mkfifo", a.toString());
        assertThat(r.exit()).isZero();
        assertThat(mode(a)).isEqualTo(0010600);
        r = CliProcess.run(30, "mkfifo", "-m", "0666", b.toString());
        assertThat(r.exit()).isZero();
        assertThat(mode(b)).isEqualTo(0010666);
    }

    @Test
    void existingFifoIsAnErrorUnlessDashP() throws Exception {
        Path a = dir.resolve("a");
        assertThat(CliProcess.run(30, "mkfifo", a.toString()).exit()).isZero();
        var r = CliProcess.run(30, "mkfifo", a.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("fifokit: " + a + ": exists (a FIFO is already there)"
                + " (pass -p to accept an existing FIFO)\n");
        assertThat(CliProcess.run(30, "mkfifo", "-p", a.toString()).exit()).isZero();
    }

    @Test
    void dashPCreatesPrivateParents() throws Exception {
        Path deep = dir.resolve("x/y/p");
        var refused = CliProcess.run(30, "mkfifo", deep.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.stderr()).endsWith("(pass -p to create missing parent directories)\n");
        var r = CliProcess.run(30, "mkfifo", "-p", deep.toString());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(mode(deep)).isEqualTo(0010600);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("x/y"))))
                .isEqualTo("rwx------");
    }

    @Test
    void nonFifoIsAlwaysAnError() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "keep me");
        for (String[] args : new String[][] {{"mkfifo", f.toString()}, {"mkfifo", "-p", f.toString()}}) {
            var r = CliProcess.run(30, args);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.stderr()).startsWith("fifokit: " + f + ": exists and is not a FIFO");
            assertThat(r.stderr()).doesNotContain("\tat ");
        }
        assertThat(Files.readString(f)).isEqualTo("keep me");
    }

    @Test
    void badModeIsAUsageError() throws Exception {
        var r = CliProcess.run(30, "mkfifo", "-m", "999", dir.resolve("a").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("invalid mode '999'");
        assertThat(dir.resolve("a")).doesNotExist();
    }
}
