package dev.fifokit.diagnostics;

import dev.fifokit.NoSuchProcessException;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessStatusTest {
    @TempDir
    Path dir;

    private final Processes processes = new Processes();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void readsThisJvm() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        ProcessStatus s = ProcessStatus.of(self.pid());
        assertThat(s.pid()).isEqualTo(self.pid());
        assertThat(s.ppid()).isEqualTo(self.parent().orElseThrow().pid());
        assertThat(s.threads()).isGreaterThan(1);
        assertThat(s.vmRssKib()).isPositive();
        assertThat(s.state()).isNotEmpty();
        assertThat(s.voluntaryContextSwitches() + s.involuntaryContextSwitches()).isPositive();
        assertThat(s.uid()).isEqualTo(((Number) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue());
    }

    @Test
    void aSleepingChild() throws Exception {
        Process sleep = processes.start("sleep", "30");
        Processes.awaitWchan(sleep.pid(), 10_000, "hrtimer_nanosleep", "do_nanosleep");
        ProcessStatus s = ProcessStatus.of(sleep.pid());
        assertThat(s.name()).isEqualTo("sleep");
        assertThat(s.state()).isEqualTo("S (sleeping)");
        assertThat(s.stateCode()).isEqualTo('S');
        assertThat(s.stateName()).isEqualTo("sleeping");
        assertThat(s.ppid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(s.threads()).isEqualTo(1);
        assertThat(s.wchan()).isNotEmpty();
        assertThat(s.isBlockedOpeningFifo()).isFalse();
    }

    @Test
    void aReaderBlockedOpeningAFifoSleepsInWaitForPartner() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            Process cat = processes.start("cat", fifo.path().toString());
            Processes.awaitWchan(cat.pid(), 10_000, ProcessStatus.WAIT_FOR_PARTNER);
            ProcessStatus s = ProcessStatus.of(cat.pid());
            assertThat(s.isBlockedOpeningFifo()).isTrue();
            assertThat(s.activity()).isEqualTo("sleeping in wait_for_partner");
        }
    }

    @Test
    void aMissingProcessIsATypedErrorNamingThePid() throws Exception {
        Process done = processes.start("true");
        Processes.waitFor(done, 10);
        assertThatThrownBy(() -> ProcessStatus.of(done.pid()))
                .isInstanceOf(NoSuchProcessException.class)
                .hasMessage("/proc/" + done.pid() + ": no such process")
                .satisfies(e -> assertThat(((NoSuchProcessException) e).pid()).isEqualTo(done.pid()));
        assertThatThrownBy(() -> ProcessStatus.of(0)).isInstanceOf(NoSuchProcessException.class);
        assertThatThrownBy(() -> ProcessStatus.of(-5)).isInstanceOf(NoSuchProcessException.class);
        assertThatThrownBy(() -> ProcessStatus.of(Long.MAX_VALUE)).isInstanceOf(NoSuchProcessException.class);
    }

    @Test
    void parsesTheStatusOfAKernelThreadWithoutMemory() {
        String text = """
                Name:\tkthreadd
                State:\tS (sleeping)
                Tgid:\t2
                PPid:\t0
                Uid:\t0\t0\t0\t0
                Threads:\t1
                voluntary_ctxt_switches:\t1234
                nonvoluntary_ctxt_switches:\t56
                """;
        ProcessStatus s = ProcessStatus.parse(2, text, "kthreadd");
        assertThat(s).isEqualTo(new ProcessStatus(2, "kthreadd", "S (sleeping)", 0, 0, 1, -1, 1234, 56, "kthreadd"));
        assertThat(s.activity()).isEqualTo("sleeping in kthreadd");
    }

    @Test
    void parsesUidsAndMemory() {
        String text = "Name:\ta b (c)\nState:\tR (running)\nPPid:\t7\nUid:\t1000\t0\t0\t0\nThreads:\t3\nVmRSS:\t  1636 kB\n";
        ProcessStatus s = ProcessStatus.parse(9, text, "");
        assertThat(s.name()).isEqualTo("a b (c)");
        assertThat(s.uid()).isEqualTo(1000);
        assertThat(s.vmRssKib()).isEqualTo(1636);
        assertThat(s.activity()).isEqualTo("running");
    }

    @Test
    void commonWaitChannelsAreExplainedInWordsInEveryKernelSpelling() {
        assertThat(ProcessStatus.explainWchan("wait_for_partner")).isEqualTo("waiting in open() for the other end");
        for (String read : new String[] {"pipe_read", "anon_pipe_read", "pipe_wait", "pipe_wait_readable"}) {
            assertThat(ProcessStatus.explainWchan(read)).as(read).isEqualTo("waiting for data");
        }
        for (String write : new String[] {"pipe_write", "anon_pipe_write", "pipe_wait_writable"}) {
            assertThat(ProcessStatus.explainWchan(write)).as(write).isEqualTo("waiting for room");
        }
        assertThat(ProcessStatus.explainWchan("do_wait")).isEqualTo("waiting for a child");
        assertThat(ProcessStatus.explainWchan("poll_schedule_timeout.constprop.0")).isEqualTo("waiting in poll or select");
        assertThat(ProcessStatus.explainWchan("some_driver_function")).isEmpty();
        assertThat(ProcessStatus.explainWchan("")).isEmpty();
        assertThat(ProcessStatus.explainWchan(null)).isEmpty();
    }
}
