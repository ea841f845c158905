package dev.fifokit.internal.linux;

import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM that refuses native access to fifokit gets one sentence saying what to add, as the
 * JDK's own IllegalCallerException, on the first call and on every later one (not a bare
 * ExceptionInInitializerError, then NoClassDefFoundError).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeAccessTest {

    /** Runs in the child JVM: two library calls, each failure printed as class: message. */
    public static final class TwoCalls {
        public static void main(String[] args) {
            for (int i = 0; i < 2; i++) {
                try {
                    Fifo.create(Path.of(args[0] + i)).close();
                    System.out.println("created");
                } catch (Throwable t) {
                    System.out.println(t.getClass().getName() + ": " + t.getMessage());
                }
            }
        }
    }

    @Test
    void refusedNativeAccessSaysWhichFlagOrManifestEntryToAdd(@TempDir Path dir) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--illegal-native-access=deny", "-cp", System.getProperty("java.class.path"),
                TwoCalls.class.getName(), dir.resolve("f").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out.lines().toList()).as(out).hasSize(2).allSatisfy(line -> assertThat(line)
                    .isEqualTo("java.lang.IllegalCallerException: " + NativeAccess.HOW_TO_ENABLE));
            assertThat(NativeAccess.HOW_TO_ENABLE).contains("--enable-native-access=ALL-UNNAMED",
                    "--enable-native-access=dev.fifokit", "Enable-Native-Access");
        } finally {
            p.destroyForcibly();
        }
    }
}
