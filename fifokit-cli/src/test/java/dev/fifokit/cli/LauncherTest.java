package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.fifokit.testing.Await;
import dev.fifokit.testing.MountNamespaces;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Test
    void theUsersJavaHomeReachesTheCommandsFifokitRunsNeverFifokitsOwnJdk() throws Exception {
        Path launcher = checkoutWithTheRealTool();
        // an older JDK the user chose for their own tools: fifokit passes over it for itself
        Path old = Files.createDirectories(dir.resolve("jdk-17/bin"));
        for (String tool : List.of("java", "javac")) {
            Files.writeString(old.resolve(tool), "#!/bin/sh\nexit 1\n");
            Files.setPosixFilePermissions(old.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(old.getParent().resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
        String own = System.getProperty("java.home");
        assumeTrue(own.startsWith("/usr/lib/jvm/"), "fifokit's JDK is found in /usr/lib/jvm only when it is there");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(old.getParent().toString(), old.getParent().toString());
        cases.put(null, "unset");
        for (var c : cases.entrySet()) {
            String show = "echo \"JAVA_HOME=${JAVA_HOME-unset}\"";
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "launch", "--", "sh", "-c", show);
            javaHome(pb, c.getKey());
            var launched = CliProcess.finish(pb.start(), new byte[0], 60);
            assertThat(launched.exit()).as(launched.stderr()).isZero();
            assertThat(launched.out()).as("launch, JAVA_HOME " + c.getKey()).isEqualTo("out| JAVA_HOME=" + c.getValue() + "\n");

            Path served = dir.resolve("served");
            ProcessBuilder sb = new ProcessBuilder(launcher.toString(), "serve", served.toString(), "--", "sh", "-c", show)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            javaHome(sb, c.getKey());
            Process server = sb.start();
            try {
                Await.until(Duration.ofSeconds(60), "server.fifo", () -> Files.exists(served.resolve("server.fifo")));
                var reply = CliProcess.run(60, "request", served.toString());
                assertThat(reply.exit()).as(reply.stderr()).isZero();
                assertThat(reply.out()).as("serve, JAVA_HOME " + c.getKey()).isEqualTo("JAVA_HOME=" + c.getValue() + "\n");
            } finally {
                server.destroy(); // SIGTERM: a graceful stop
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }
    }

    private static void javaHome(ProcessBuilder pb, String javaHome) {
        pb.environment().put("FIFOKIT_AOT", "0");
        if (javaHome == null) {
            pb.environment().remove("JAVA_HOME");
        } else {
            pb.environment().put("JAVA_HOME", javaHome);
        }
    }

    @Test
    void withoutProcMountedTheLauncherStillRunsTheTool() throws Exception {
        MountNamespaces.assumeAvailable();
        Path launcher = checkoutWithTheRealTool();
        Path fifo = dir.resolve("made-without-proc");
        // an empty tmpfs over /proc, as in a container or chroot that never mounted it
        ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs none /proc && \"$1\" --version && exec \"$1\" mkfifo -m 0640 \"$2\"",
                "sh", launcher.toString(), fifo.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("FIFOKIT_AOT", "0");
        var r = CliProcess.finish(pb.start(), new byte[0], 90);
        assertThat(r.stderr()).doesNotContain("libjli").doesNotContain("shared object");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).startsWith("fifokit ");
        assertThat((Integer) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0010640);
    }

    @Test
    void theBuildSaysWhatItDoesAndRunsOnlyWhenTheJarIsMissingOrOlderThanTheSources() throws Exception {
        Path launcher = checkoutWithStandIn();
        Path repo = launcher.getParent();
        Path jar = repo.resolve("fifokit-cli/target/fifokit.jar");
        Files.move(jar, repo.resolve("stand-in.jar"));
        Path source = Files.createDirectories(repo.resolve("fifokit-cli/src/main/java/dev/fifokit/cli"))
                .resolve("Main.java");
        Files.writeString(source, "class Main {}\n");
        // Maven's stand-in: prints the module lines Maven prints, then makes the module's jar
        Path mvnw = repo.resolve("mvnw");
        Files.writeString(mvnw, """
                #!/bin/bash
                for a in "$@"; do [ "${prev:-}" = -pl ] && module="$a"; prev="$a"; done
                echo "[INFO] Scanning for projects..."
                echo "[INFO] Building fifokit 0.1.0-SNAPSHOT                                      [1/2]"
                echo "[INFO] Building $module 0.1.0-SNAPSHOT                                  [2/2]"
                echo "$module with JAVA_HOME=$JAVA_HOME" >> builds.log
                if [ -n "${FAIL_BUILD:-}" ]; then echo "[ERROR] COMPILATION ERROR: Main.java:[1,1]"; exit 1; fi
                case "$module" in
                  fifokit-cli) cp stand-in.jar fifokit-cli/target/fifokit.jar ;;
                  bench) mkdir -p bench/target && cp stand-in.jar bench/target/fifokit-bench.jar ;;
                esac
                """);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));

        var first = runLauncher(launcher, Map.of(), "x");
        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.out()).isEqualTo("args=[x] prog=fifokit\n");
        assertThat(first.stderr()).startsWith("fifokit: building the command line tool with Maven")
                .contains("fifokit:   [1/2] fifokit\n", "fifokit:   [2/2] fifokit-cli\n").containsPattern("built in \\d+ s");
        assertThat(Files.readString(repo.resolve("builds.log")))
                .isEqualTo("fifokit-cli with JAVA_HOME=" + System.getProperty("java.home") + "\n");

        for (String[] args : new String[][] {{"x"}, {"bench", "--help"}, {"--debug", "bench", "-h"}}) {
            var again = runLauncher(launcher, Map.of(), args);
            assertThat(again.exit()).as(again.stderr()).isZero();
            assertThat(again.stderr()).as(String.join(" ", args)).isEmpty();
        }
        assertThat(Files.readString(repo.resolve("builds.log")).lines()).hasSize(1);

        // a source newer than the jar: said, and rebuilt
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        var changed = runLauncher(launcher, Map.of(), "x");
        assertThat(changed.exit()).as(changed.stderr()).isZero();
        assertThat(changed.stderr()).startsWith("fifokit: fifokit-cli/src/main/java/dev/fifokit/cli/Main.java changed "
                + "since the last build: rebuilding the command line tool...\n").doesNotContain("first");
        assertThat(runLauncher(launcher, Map.of(), "x").stderr()).isEmpty();

        // a failing build: Maven's own words, and where all of them are
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        var failed = runLauncher(launcher, Map.of("FAIL_BUILD", "1"), "x");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).isEmpty();
        assertThat(failed.stderr()).contains("[ERROR] COMPILATION ERROR: Main.java:[1,1]")
                .containsPattern("fifokit: the build failed \\(all of its output: .*fifokit-build\\.\\w+\\)");
        String log = failed.stderr().replaceFirst("(?s).*all of its output: (\\S+)\\).*", "$1");
        Files.deleteIfExists(Path.of(log));
    }

    private static CliProcess.Result runLauncher(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("FIFOKIT_AOT", "0");
        pb.environment().putAll(env);
        return CliProcess.finish(pb.start(), new byte[0], 60);
    }

    /**
     * A copy of the launcher in {@code dir/checkout} beside a jar that runs the real tool: its
     * manifest names the test's class path, so the launcher runs the classes under test and never
     * builds (there are no sources beside it).
     */
    private Path checkoutWithTheRealTool() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("checkout"));
        Path launcher = repo.resolve("fifokit");
        Files.copy(repoRoot().resolve("fifokit"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path target = Files.createDirectories(repo.resolve("fifokit-cli/target"));
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            String relative = target.relativize(p).toString().replace(File.separatorChar, '/');
            classPath.append(Files.isDirectory(p) ? relative + "/" : relative).append(' ');
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().trim());
        manifest.getMainAttributes().putValue("Enable-Native-Access", "ALL-UNNAMED");
        try (var out = new JarOutputStream(Files.newOutputStream(target.resolve("fifokit.jar")), manifest)) {
            out.flush();
        }
        return launcher;
    }

    /** A copy of the launcher in {@code dir/checkout}, beside a stand-in jar that prints its arguments. */
    private Path checkoutWithStandIn() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("checkout"));
        Path launcher = repo.resolve("fifokit");
        Files.copy(repoRoot().resolve("fifokit"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        standInJar(repo.resolve("fifokit-cli/target"));
        return launcher;
    }

    /** The checkout's root: the directory above this module that holds the launcher. */
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
