package dev.fifokit.cli;

import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fifokit status PID}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusCommandTest {
    @TempDir
    Path dir;

    private final Processes processes = new Processes();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void showsAReaderWaitingToOpenAFifo() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            Process cat = processes.start("cat", fifo.path().toString());
            Processes.awaitWchan(cat.pid(), 10_000, "wait_for_partner");

            CliProcess.Result text = CliProcess.run(60, "status", Long.toString(cat.pid()));
            assertThat(text.exit()).as(text.stderr()).isZero();
            assertThat(text.out()).containsPattern("(?m)^pid\\s+" + cat.pid() + "$")
                    .containsPattern("(?m)^name\\s+cat$")
                    .containsPattern("(?m)^state\\s+S \\(sleeping\\)$")
                    .containsPattern("(?m)^ppid\\s+" + ProcessHandle.current().pid() + "$")
                    .containsPattern("(?m)^vm_rss\\s+\\d+ kB$")
                    .containsPattern("(?m)^wchan\\s+wait_for_partner  \\(waiting in open\\(\\) for the other end\\)$");

            CliProcess.Result json = CliProcess.run(60, "status", "--json", Long.toString(cat.pid()));
            assertThat(json.exit()).as(json.stderr()).isZero();
            Map<String, Object> s = MiniJson.object(json.out());
            assertThat(s.keySet()).containsExactly("pid", "name", "state", "ppid", "uid", "threads", "vm_rss",
                    "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches", "wchan");
            assertThat(s).containsEntry("pid", cat.pid()).containsEntry("name", "cat")
                    .containsEntry("state", "S (sleeping)").containsEntry("ppid", ProcessHandle.current().pid())
                    .containsEntry("threads", 1L).containsEntry("wchan", "wait_for_partner");
            assertThat((Long) s.get("vm_rss")).isPositive();
        }
    }

    @Test
    void explainsAShellWaitingForItsChild() throws Exception {
        Process sh = processes.start("sh", "-c", "sleep 60; :");
        Processes.awaitWchan(sh.pid(), 10_000, "do_wait");
        CliProcess.Result text = CliProcess.run(60, "status", Long.toString(sh.pid()));
        assertThat(text.exit()).as(text.stderr()).isZero();
        assertThat(text.out()).containsPattern("(?m)^wchan\\s+do_wait  \\(waiting for a child\\)$");
    }

    @Test
    void aMissingPidIsExitOne() throws Exception {
        Process done = processes.start("true");
        Processes.waitFor(done, 10);
        CliProcess.Result r = CliProcess.run(60, "status", Long.toString(done.pid()));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("fifokit: /proc/" + done.pid() + ": no such process\n");
        CliProcess.Result json = CliProcess.run(60, "status", "--json", "0");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.stdout()).isEmpty();
    }

    @Test
    void aPidThatIsNotANumberIsAUsageErrorThatSaysWhatAPidIs() throws Exception {
        var r = CliProcess.run(60, "status", "abc");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("fifokit: Invalid value for positional parameter at index 0 (PID): 'abc' is "
                + "not a PID: a process ID is a number, as ps, pgrep and $! show (e.g. fifokit status $$ for this "
                + "shell)\nsee 'fifokit status --help'\n");
        assertThat(CliProcess.run(60, "status").exit()).isEqualTo(2);
    }

    @Test
    void explainsAProcessWaitingOnAFutexByTheNameOfTheKernelItRunsOn() throws Exception {
        // a JVM: its first thread waits for the main thread to end, in a futex (futex_do_wait
        // since kernel 6.18, futex_wait_queue before)
        Path src = dir.resolve("Waits.java");
        java.nio.file.Files.writeString(src, """
                public class Waits {
                    public static void main(String[] args) throws Exception {
                        Object lock = new Object();
                        synchronized (lock) { lock.wait(); }
                    }
                }
                """);
        Process jvm = processes.start(Path.of(System.getProperty("java.home"), "bin", "java").toString(), src.toString());
        Processes.awaitWchan(jvm.pid(), 60_000, "futex_do_wait", "futex_wait_queue", "futex_wait_queue_me", "futex_wait");
        CliProcess.Result text = CliProcess.run(60, "status", Long.toString(jvm.pid()));
        assertThat(text.exit()).as(text.stderr()).isZero();
        assertThat(text.out()).containsPattern("(?m)^wchan\\s+futex_\\w+  \\(waiting on a lock or condition \\(futex\\)\\)$");
    }
}
