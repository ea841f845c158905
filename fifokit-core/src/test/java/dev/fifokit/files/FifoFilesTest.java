package dev.fifokit.files;

import dev.fifokit.FifoExistsException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.SymlinkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FifoFilesTest {
    @TempDir
    Path dir;

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void createsWithExactlyTheModeAskedForDespiteTheUmask() throws Exception {
        try (Fifo a = Fifo.create(dir.resolve("a"), 0666); Fifo b = Fifo.create(dir.resolve("b"), 0640)) {
            assertThat(perms(a.path())).isEqualTo("rw-rw-rw-");
            assertThat(perms(b.path())).isEqualTo("rw-r-----");
            assertThat(a.mode()).isEqualTo(0666);
            assertThat(Files.readAttributes(a.path(), "unix:mode").get("mode")).isEqualTo(0010666);
        }
    }

    @Test
    void createdFifoIsUnlinkedOnCloseUnlessKept() throws Exception {
        Fifo a = Fifo.create(dir.resolve("a"));
        Fifo b = Fifo.create(dir.resolve("b")).keep();
        a.close();
        b.close();
        assertThat(dir.resolve("a")).doesNotExist();
        assertThat(dir.resolve("b")).exists();
    }

    @Test
    void existingFifoIsAnErrorUnlessReusedAndReuseNeverUnlinks() throws Exception {
        try (Fifo a = Fifo.create(dir.resolve("a"))) {
            assertThatThrownBy(() -> Fifo.create(a.path()))
                    .isInstanceOf(FifoExistsException.class)
                    .hasMessageContaining(a.path() + ": exists");
            try (Fifo again = Fifo.createOrReuse(a.path(), 0600)) {
                assertThat(again.created()).isFalse();
            }
            assertThat(a.path()).exists();
        }
    }

    @Test
    void anythingElseAtThePathIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "data");
        assertThatThrownBy(() -> Fifo.createOrReuse(file, 0600))
                .isInstanceOf(NotAFifoException.class)
                .hasMessage(file + ": exists and is not a FIFO (it is a regular file)");
        assertThatThrownBy(() -> Fifo.create(file, 0600)).isInstanceOf(NotAFifoException.class);
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertThatThrownBy(() -> Fifo.createOrReuse(link, 0600)).isInstanceOf(SymlinkException.class);
        assertThat(Files.readString(file)).isEqualTo("data");
    }

    @Test
    void unlinkOnCloseLeavesAFileThatReplacedOurs() throws Exception {
        Fifo a = Fifo.create(dir.resolve("a"));
        Files.delete(a.path());
        Files.writeString(a.path(), "someone else's");
        a.close();
        assertThat(Files.readString(a.path())).isEqualTo("someone else's");
    }

    @Test
    void temporaryFifosLiveInAPrivateDirectoryAndGoAwayOnClose() throws Exception {
        Path p;
        try (Fifo t = Fifo.createTemp("test")) {
            p = t.path();
            assertThat(perms(p.getParent())).isEqualTo("rwx------");
            assertThat(Files.readAttributes(p, "unix:mode").get("mode")).isEqualTo(0010600);
        }
        assertThat(p).doesNotExist();
    }
}
