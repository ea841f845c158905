package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void modeBitsBeyondPermissionsAreRefusedAsCoreutilsRefusesThem() throws Exception {
        for (String mode : new String[] {"7777", "1644", "u+s", "+t"}) {
            Path a = dir.resolve("a");
            var r = CliProcess.run(30, "mkfifo", "-m", mode, a.toString());
            assertThat(r.exit()).as(mode).isEqualTo(2);
            assertThat(r.stderr()).as(mode).startsWith("fifokit: invalid mode '" + mode + "': mode must specify only "
                    + "file permission bits");
            assertThat(a).as(mode).doesNotExist();
        }
    }

    @Test
    void symbolicModesGiveWhatCoreutilsMkfifoGivesUnderTheSameUmask() throws Exception {
        // one fifokit per mode, beside coreutils' mkfifo under the same umask
        String[][] cases = {{"u=rw,g=r", "027"}, {"go-rwx", "022"}, {"+x", "027"}, {"=r", "077"}, {"a=rwx,o-w", "0"}};
        for (String[] c : cases) {
            Path ours = dir.resolve("ours");
            Path theirs = dir.resolve("theirs");
            // sh makes theirs under the umask, then becomes fifokit (which inherits the umask)
            List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                    "umask " + c[1] + " && mkfifo -m \"$1\" \"$2\" && shift 2 && exec \"$@\"",
                    "sh", c[0], theirs.toString()));
            cmd.addAll(CliProcess.command("mkfifo", "-m", c[0], ours.toString()));
            Process p = new ProcessBuilder(cmd).start();
            var r = CliProcess.finish(p, new byte[0], 60);
            assertThat(r.exit()).as(c[0] + ": " + r.stderr()).isZero();
            assertThat(mode(ours)).as(c[0] + " under umask " + c[1]).isEqualTo(mode(theirs));
            Files.delete(ours);
            Files.delete(theirs);
        }
    }

    @Test
    void aFailingPathIsReportedAndTheOthersAreStillCreatedThenExit1() throws Exception {
        Path regular = Files.writeString(dir.resolve("regular.txt"), "keep me");
        var r = CliProcess.run(30, "mkfifo", dir.resolve("x1").toString(), dir.resolve("x2").toString(),
                regular.toString(), dir.resolve("x3").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("fifokit: " + regular + ": exists and is not a FIFO (it is a regular file)\n");
        for (String name : new String[] {"x1", "x2", "x3"}) {
            assertThat(mode(dir.resolve(name))).as(name).isEqualTo(0010600);
        }
        assertThat(Files.readString(regular)).isEqualTo("keep me");
    }

    @Test
    void withDashPGivenTheErrorNeverSuggestsDashP() throws Exception {
        Files.writeString(dir.resolve("file"), "");
        // -p cannot make a directory where a file is: the hint would be wrong
        var r = CliProcess.run(30, "mkfifo", "-p", dir.resolve("file/sub/p").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("fifokit: ").doesNotContain("pass -p");
        var proc = CliProcess.run(30, "mkfifo", "-p", "/proc/nope.fifo");
        assertThat(proc.exit()).isEqualTo(1);
        assertThat(proc.stderr()).startsWith("fifokit: /proc/nope.fifo: ").doesNotContain("pass -p");
    }
}
