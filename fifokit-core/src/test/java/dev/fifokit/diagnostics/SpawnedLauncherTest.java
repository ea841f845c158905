package dev.fifokit.diagnostics;

import dev.fifokit.ends.Pipe;
import dev.fifokit.spawn.Spawn;
import dev.fifokit.spawn.SpawnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher running a command started with chosen descriptors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpawnedLauncherTest {

    @Test
    void aLaunchedCommandReadsItsDescriptorFiveAndItsOutputIsShownLineByLine() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Pipe pipe = Pipe.open();
             Launcher l = Launcher.start(Spawn.command("sh", "-c", "while read x <&5; do echo \"got $x\"; done; echo bye >&2")
                     .fd(5, pipe.reader()), Launcher.DEFAULT_GRACE, (source, line) -> lines.add(source + " " + line))) {
            pipe.reader().close();
            pipe.writer().write("a\nb\n".getBytes(StandardCharsets.UTF_8));
            pipe.writer().close();
            assertThat(l.waitFor()).isZero();
            assertThat(lines).containsExactlyInAnyOrder("STDOUT got a", "STDOUT got b", "STDERR bye");
            assertThat(l.exitStatus()).hasValue(0);
        }
    }

    @Test
    void closeStopsTheCommandAndReapsIt() throws Exception {
        Launcher l = Launcher.start(Spawn.command("sleep", "30"), Duration.ofMillis(500), (s, line) -> { });
        long pid = l.pid();
        assertThat(l.isAlive()).isTrue();
        l.close();
        assertThat(l.isAlive()).isFalse();
        assertThat(l.exitStatus()).hasValue(128 + 15);
        assertThat(Files.exists(Path.of("/proc/" + pid))).as("reaped").isFalse();
    }

    @Test
    void aMissingCommandIsTheSpawnError() {
        assertThatThrownBy(() -> Launcher.start(Spawn.command("fifokit-missing-program"), Launcher.DEFAULT_GRACE, (s, line) -> { }))
                .isInstanceOf(SpawnException.class).hasMessage("fifokit-missing-program: command not found");
    }
}
