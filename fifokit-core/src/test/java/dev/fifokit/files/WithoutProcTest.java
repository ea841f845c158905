package dev.fifokit.files;

import dev.fifokit.testing.MountNamespaces;
import dev.fifokit.testing.NoProcProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without /proc mounted, creating a FIFO with an exact mode and opening an existing FIFO work;
 * what cannot work says that /proc is needed. Runs a child JVM in its own mount namespace with
 * an empty tmpfs over /proc (skipped where unshare is not permitted, e.g. without root).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WithoutProcTest {
    @TempDir
    Path dir;

    @Test
    void createAndOpenWorkWithoutProc() throws Exception {
        MountNamespaces.assumeAvailable();
        Fifo.create(dir.resolve("existing"), 0600).keep().close();
        String javaHome = System.getProperty("java.home");
        String java = Path.of(javaHome, "bin", "java").toString();
        // the launcher finds its own libraries through /proc/self/exe; point it at them instead
        String libs = Path.of(javaHome, "lib") + ":" + Path.of(javaHome, "lib", "server");
        String script = "mount -t tmpfs none /proc && umask 022 && exec env LD_LIBRARY_PATH=\"$1\" \"$2\""
                + " --enable-native-access=ALL-UNNAMED -cp \"$3\" \"$4\" \"$5\"";
        Process p = new ProcessBuilder(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                "sh", libs, java, System.getProperty("java.class.path"), NoProcProbe.class.getName(), dir.toString()))
                .redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the probe finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("proc mounted: false")
                    .contains("created mode: 0666")
                    .contains("peer present: ok")
                    .contains("waiting reader: ok")
                    .contains("waiting writer: ok")
                    .containsPattern("keep-alive: .*needs /proc to be mounted");
        } finally {
            p.destroyForcibly();
        }
    }
}
