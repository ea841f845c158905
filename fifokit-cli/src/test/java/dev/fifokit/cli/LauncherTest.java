package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./fifokit} launcher installed the way the README says: a symlink on PATH, run from
 * another directory. It runs against a copy of the launcher beside a stand-in jar (so the test
 * never starts a build), which prints the arguments and the name it was started as.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void launcherWorksThroughSymlinksOnPathAndPassesTheNameTyped() throws Exception {
        Path launcher = checkoutWithStandIn();

        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("fk"), launcher);                         // absolute link
        Files.createSymbolicLink(bin.resolve("fifokit"), Path.of("../checkout/fifokit")); // relative link
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(elsewhere.resolve("fifokit2"), bin.resolve("fifokit")); // link to a link

        for (String name : List.of("fk", "fifokit", elsewhere.resolve("fifokit2").toString())) {
            // a shell finds the name on the PATH it is given, as a user's shell would
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec \"$@\"", "sh", name, "one", "two words")
                    .directory(elsewhere.toFile());
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("FIFOKIT_AOT", "0");
            Process p = pb.start();
            try {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(err).isZero();
                String typed = Path.of(name).getFileName().toString();
                assertThat(out).as(name).isEqualTo("args=[one, two words] prog=" + typed + "\n");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theJvmsOwnMessagesNeverMixIntoTheCommandsOutput() throws Exception {
        Path launcher = checkoutWithStandIn();
        // a cache that cannot be used makes the JVM log errors; by default it logs them on stdout
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "x");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("FIFOKIT_AOT", "0");
        pb.environment().put("FIFOKIT_JAVA_OPTS", "-XX:AOTCache=" + dir.resolve("missing.aot"));
        Process p = pb.start();
        try {
            var r = CliProcess.finish(p, new byte[0], 60);
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.out()).isEqualTo("args=[x] prog=fifokit\n");
            assertThat(r.stderr()).as("the JVM's message went to stderr").contains("[aot]");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void completionCoversTheNameFifokitWasStartedAs() throws Exception {
        Process p = new ProcessBuilder(CliProcess.command("completion", "bash", "--name", "fifo")).start();
        var r = CliProcess.finish(p, new byte[0], 60);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).containsPattern("complete -F _complete_fifokit .*fifokit .* fifo\n");
        ProcessBuilder pb = new ProcessBuilder(CliProcess.command("completion", "bash"));
        pb.environment().put("FIFOKIT_PROG", "fk");
        Process q = pb.start();
        var s = CliProcess.finish(q, new byte[0], 60);
        assertThat(s.out()).containsPattern("complete -F _complete_fifokit .*fifokit .* fk\n");
        assertThat(CliProcess.run(30, "completion", "bash", "--name", "rm -rf").exit()).isEqualTo(2);
    }

    /** The checkout's root: the directory above this module that holds the launcher. */
    /** A copy of the launcher in {@code dir/checkout}, beside a stand-in jar that prints its arguments. */
    private Path checkoutWithStandIn() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("checkout"));
        Path launcher = repo.resolve("fifokit");
        Files.copy(repoRoot().resolve("fifokit"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        standInJar(repo.resolve("fifokit-cli/target"));
        return launcher;
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("fifokit"))) {
            p = p.getParent();
        }
        assertThat(p).as("the launcher above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }

    private static void standInJar(Path target) throws Exception {
        Path src = Files.createDirectories(target.resolve("stand-in-src"));
        Files.writeString(src.resolve("StandIn.java"), """
                public class StandIn {
                    public static void main(String[] args) {
                        System.out.println("args=" + java.util.Arrays.toString(args)
                                + " prog=" + System.getenv("FIFOKIT_PROG"));
                    }
                }
                """);
        Path classes = Files.createDirectories(target.resolve("stand-in-classes"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int c = ToolProvider.getSystemJavaCompiler().run(null, log, log,
                "-d", classes.toString(), src.resolve("StandIn.java").toString());
        assertThat(c).as(log.toString()).isZero();
        var jar = java.util.spi.ToolProvider.findFirst("jar").orElseThrow();
        int j = jar.run(new PrintStream(log), new PrintStream(log), "--create",
                "--file", target.resolve("fifokit.jar").toString(), "--main-class", "StandIn",
                "-C", classes.toString(), ".");
        assertThat(j).as(log.toString()).isZero();
    }
}
