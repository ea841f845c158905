package dev.fifokit.diagnostics;

import dev.fifokit.internal.linux.Stat;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static dev.fifokit.diagnostics.AccessMode.READ;
import static dev.fifokit.diagnostics.AccessMode.READ_WRITE;
import static dev.fifokit.diagnostics.AccessMode.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

/** The sentences {@code who} prints, from snapshots built by hand. */
class DiagnosisTest {
    private static Holder holder(long pid, AccessMode mode, HolderState state) {
        return new Holder(pid, "cmd" + pid, 3, mode, state, "", "/tmp/p");
    }

    private static Opener opener(long pid, AccessMode mode) {
        return new Opener(pid, pid, "cmd" + pid, mode, "p");
    }

    private static List<String> diagnose(List<Holder> holders, List<Opener> opening) {
        return new WhoReport(Path.of("p"), 0, 1, false, holders, opening, List.of(), 0).diagnosis();
    }

    @Test
    void healthyPipeHasNothingToSay() {
        assertThat(diagnose(List.of(holder(1, READ, HolderState.BLOCKED_READ), holder(2, WRITE, HolderState.RUNNING)),
                List.of())).isEmpty();
    }

    @Test
    void writersWaitingForAReader() {
        assertThat(diagnose(List.of(), List.of(opener(7, WRITE))))
                .containsExactly("no reader: writers will block (pid 7 (cmd7) is waiting in open)");
    }

    @Test
    void readersWaitingForAWriter() {
        assertThat(diagnose(List.of(), List.of(opener(7, READ), opener(8, READ))))
                .containsExactly("no writer: readers will block (pids 7 (cmd7), 8 (cmd8) are waiting in open)");
    }

    @Test
    void readerGoneLeavesWritersToEpipe() {
        assertThat(diagnose(List.of(holder(4, WRITE, HolderState.SLEEPING)), List.of()))
                .containsExactly("no reader: writers get EPIPE (or die of SIGPIPE) on their next write (pid 4 (cmd4))");
    }

    @Test
    void readersWithoutWritersSeeEof() {
        assertThat(diagnose(List.of(holder(4, READ, HolderState.SLEEPING)), List.of()))
                .containsExactly("no writer: readers get end of file");
    }

    @Test
    void readWriteHolderIsTheReasonForNoEof() {
        assertThat(diagnose(List.of(holder(5, READ_WRITE, HolderState.SLEEPING),
                holder(6, READ, HolderState.BLOCKED_READ)), List.of()))
                .containsExactly("pid 5 holds it read-write: readers will never see EOF");
    }

    @Test
    void fullPipe() {
        assertThat(diagnose(List.of(holder(4, READ, HolderState.SLEEPING), holder(9, WRITE, HolderState.BLOCKED_WRITE)),
                List.of())).containsExactly("pipe is full: pid 9 (cmd9) is blocked writing until a reader reads");
    }

    @Test
    void unknownOpenersAndPartialScansAreSaidNotGuessed() {
        WhoReport r = new WhoReport(Path.of("p"), 0, 1, true, List.of(holder(1, READ_WRITE, HolderState.SLEEPING)),
                List.of(), List.of(new Opener(12, 12, "sh", null, null), new Opener(13, 13, "cat", READ, "gone")), 2);
        assertThat(r.partial()).isTrue();
        assertThat(r.diagnosis()).containsExactly(
                "pid 1 holds it read-write: readers will never see EOF",
                "it has been unlinked: only the processes holding it can still reach it (through /proc/<pid>/fd/<fd>)",
                "pid 12 (sh) is blocked opening a FIFO; which one is unknown (no permission to read its memory)",
                "pid 13 (cat) is blocked opening gone, which could not be resolved (renamed, unlinked or not accessible;"
                        + " it may be this FIFO)",
                dev.fifokit.internal.linux.FifoPaths.geteuid() == 0
                        ? "partial: 2 processes could not be inspected even as root (they belong to another user"
                                + " namespace, e.g. outside this container, or a security policy hides them); run on"
                                + " the host to see every holder"
                        : "partial: 2 processes could not be inspected (permission denied); run as root to see"
                                + " every holder");
    }

    @Test
    void nobodyVisibleIsNotNobody() {
        WhoReport r = new WhoReport(Path.of("p"), 0, 1, false, List.of(), List.of(), List.of(), 3);
        assertThat(r.diagnosis()).first().isEqualTo("no process this user may inspect has it open");
    }

    @Test
    void deviceNumbersDecodeLikeGlibc() {
        long dev = Stat.makedev(254, 0);
        WhoReport r = new WhoReport(Path.of("p"), dev, 1, false, List.of(), List.of(), List.of(), 0);
        assertThat(r.deviceName()).isEqualTo("254:0");
        long big = Stat.makedev(0x12345, 0x678901);
        r = new WhoReport(Path.of("p"), big, 1, false, List.of(), List.of(), List.of(), 0);
        assertThat(r.deviceMajor()).isEqualTo(0x12345);
        assertThat(r.deviceMinor()).isEqualTo(0x678901);
    }
}
