package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code mkfifo -m MODE} reads a mode exactly as coreutils' mkfifo(1) does: each mode below is
 * given to coreutils' mkfifo under each umask, and what it makes (or refuses) is what
 * {@link FileModes#parse} gives (or refuses).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileModesTest {
    private static final String[] MODES = {
            "0644", "644", "0", "00644", "000644", "600", "777",
            "u=rw,g=r", "u=rw,g=r,o=", "a+w", "go-rwx", "+x", "=r", "-w", "+", "u+", "u=",
            "g=u", "o=g", "u=rwx,g=u-w", "a=rwx,o-w", "ug=rw", "a-X,u+X", "a+x,g+X", "=rwx,g-w",
            "u=rw,=640", "=640", "+640", "-022", "go=", "a=r,u+w", "ugo+rw", "o-rwx,g+w", "uo=x",
            // refused: bits beyond permissions, or not a mode
            "7777", "1644", "4755", "1000", "u+s", "g+s", "+t", "o+t", "a=rwxst",
            "", "x", "8", "0o644", "10000", "u", "u+r,", ",u+r", "u+r g+w", "u=r7", "u=640", "u+rw=", "=u+",
            "g=ur", "+X", "u+rwxXst"};
    private static final String[] UMASKS = {"022", "027", "077", "0", "002"};

    @Test
    void everyModeUnderEveryUmaskIsWhatCoreutilsMkfifoMakes(@TempDir Path dir) throws Exception {
        for (String umask : UMASKS) {
            for (String mode : MODES) {
                Path fifo = dir.resolve("f");
                Process p = new ProcessBuilder("sh", "-c", "umask " + umask + " && exec mkfifo -m \"$1\" \"$2\"",
                        "sh", mode, fifo.toString()).redirectErrorStream(true).start();
                String said;
                try {
                    said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                } finally {
                    p.destroyForcibly();
                }
                String what = "-m '" + mode + "' under umask " + umask;
                OptionalInt mask = OptionalInt.of(Integer.parseInt(umask, 8));
                if (p.exitValue() == 0) {
                    int theirs = (Integer) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                    Files.delete(fifo);
                    assertThat(Integer.toOctalString(FileModes.parse(mode, () -> mask))).as(what)
                            .isEqualTo(Integer.toOctalString(theirs));
                } else if (said.contains("mode must specify only file permission bits")) {
                    assertThatThrownBy(() -> FileModes.parse(mode, () -> mask)).as(what)
                            .hasMessageStartingWith("mode must specify only file permission bits");
                } else {
                    assertThat(said).as(what).contains("invalid mode");
                    assertThatThrownBy(() -> FileModes.parse(mode, () -> mask)).as(what)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageStartingWith("use octal permission bits");
                }
            }
        }
    }

    @Test
    void theUmaskIsReadOnlyForAClauseWithoutWhoAndItsAbsenceIsSaid() {
        assertThat(FileModes.parse("u=rw,go=r", () -> {
            throw new AssertionError("the umask was read");
        })).isEqualTo(0644);
        assertThat(FileModes.parse("0640", () -> {
            throw new AssertionError("the umask was read");
        })).isEqualTo(0640);
        assertThatThrownBy(() -> FileModes.parse("+x", OptionalInt::empty))
                .hasMessageContaining("cannot read the umask");
    }

    @Test
    void thisProcesssUmaskIsRead() {
        assertThat(FileModes.processUmask()).isPresent();
    }
}
