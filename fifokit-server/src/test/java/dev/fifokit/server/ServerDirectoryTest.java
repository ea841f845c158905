package dev.fifokit.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** When a private server's directory counts as one only its user can write (reply FIFOs are then opened directly). */
@Timeout(30)
class ServerDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aFreshPrivateDirectoryIsOnlyTheOwnersUntilItsModeLetsOthersWrite() throws Exception {
        Path dir = tmp.resolve("srv");
        try (ServerDirectory d = ServerDirectory.claim(dir, false, line -> { })) {
            assertThat(d.onlyOwnerWrites()).isTrue();
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertThat(d.onlyOwnerWrites()).as("0777").isFalse();
            Files.setAttribute(dir, "unix:mode", 01733);
            assertThat(d.onlyOwnerWrites()).as("1733: others may add files").isFalse();
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
            assertThat(d.onlyOwnerWrites()).as("0750").isTrue();
        }
    }

    @Test
    void aParentOthersCanWriteWithoutTheStickyBitMakesItUntrusted() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (ServerDirectory d = ServerDirectory.claim(open.resolve("srv"), false, line -> { })) {
            assertThat(d.onlyOwnerWrites()).as("anyone may rename the server's directory away").isFalse();
        }
        Files.setAttribute(open, "unix:mode", 01777);
        try (ServerDirectory d = ServerDirectory.claim(open.resolve("srv"), false, line -> { })) {
            assertThat(d.onlyOwnerWrites()).as("sticky, like /tmp").isTrue();
        }
    }

    @Test
    void aSharedDirectoryNeverIs() throws Exception {
        try (ServerDirectory d = ServerDirectory.claim(tmp.resolve("srv"), true, line -> { })) {
            assertThat(d.onlyOwnerWrites()).isFalse();
        }
    }
}
