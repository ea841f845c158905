package dev.fifokit.diagnostics;

import dev.fifokit.NoSuchFifoException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.SymlinkException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.CPeer;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FifoHoldersTest {
    /** Root may inspect every process; any other user only its own. */
    private static final boolean ROOT = dev.fifokit.internal.linux.FifoPaths.geteuid() == 0;

    private static final String[] READ_WAIT = {"anon_pipe_read", "pipe_read"};
    private static final String[] WRITE_WAIT = {"anon_pipe_write", "pipe_write"};

    @TempDir
    Path dir;

    private final Processes processes = new Processes();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    private Path fifo() throws IOException {
        return Fifo.create(dir.resolve("p")).keep().path();
    }

    /** Scans until {@code done} holds (processes take a moment to reach their state), failing after 10 s. */
    static WhoReport awaitReport(Path path, Predicate<WhoReport> done) throws Exception {
        return awaitReport(path, false, done);
    }

    static WhoReport awaitReport(Path path, boolean follow, Predicate<WhoReport> done) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        WhoReport last;
        do {
            last = FifoHolders.of(path, follow);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        throw new AssertionError("report never reached the expected state: " + last);
    }

    static Optional<Holder> holder(WhoReport r, long pid) {
        return r.holders().stream().filter(h -> h.pid() == pid).findFirst();
    }

    @Test
    void catBlockedInOpenIsListedAsOpeningForRead() throws Exception {
        Path p = fifo();
        // a relative path, resolved in cat's working directory
        Process cat = processes.start(new ProcessBuilder("cat", "p").directory(dir.toFile()));
        Processes.awaitWchan(cat.pid(), 10_000, "wait_for_partner");

        WhoReport r = awaitReport(p, x -> !x.opening().isEmpty());

        assertThat(r.holders()).isEmpty();
        assertThat(r.opening()).singleElement().satisfies(o -> {
            assertThat(o.pid()).isEqualTo(cat.pid());
            assertThat(o.command()).isEqualTo("cat");
            assertThat(o.mode()).isEqualTo(AccessMode.READ);
            assertThat(o.state()).isEqualTo(HolderState.BLOCKED_OPEN);
            assertThat(o.path()).isEqualTo("p");
        });
        assertThat(r.diagnosis()).anyMatch(d -> d.startsWith("no writer: readers will block"));
        assertThat(r.unknownOpeners()).noneMatch(o -> o.pid() == cat.pid());
    }

    @Test
    void catBlockedInReadIsAReaderBlockedReading() throws Exception {
        Path p = fifo();
        Process cat = processes.start("cat", p.toString());
        try (FifoWriter w = FifoWriter.open(p, WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
            Processes.awaitWchan(cat.pid(), 10_000, READ_WAIT);

            WhoReport r = awaitReport(p, x -> holder(x, cat.pid()).isPresent());

            Holder h = holder(r, cat.pid()).orElseThrow();
            assertThat(h.command()).isEqualTo("cat");
            assertThat(h.fd()).isEqualTo(3);
            assertThat(h.mode()).isEqualTo(AccessMode.READ);
            assertThat(h.state()).isEqualTo(HolderState.BLOCKED_READ);
            assertThat(h.wchan()).isIn((Object[]) READ_WAIT);
            assertThat(h.target()).isEqualTo(p.toString());
            Holder us = holder(r, ProcessHandle.current().pid()).orElseThrow();
            assertThat(us.mode()).isEqualTo(AccessMode.WRITE);
            assertThat(us.fd()).isEqualTo(w.descriptor());
            assertThat(r.opening()).isEmpty();
            // as root the scan is complete; a user is told which processes it could not inspect
            assertThat(r.diagnosis()).allSatisfy(line -> assertThat(ROOT).as(line).isFalse())
                    .allSatisfy(line -> assertThat(line).startsWith("partial: "));
        }
    }

    @Test
    void shellWriterBlockedInOpenIsListedAsOpeningForWrite() throws Exception {
        Path p = fifo();
        Process sh = processes.sh("sleep 30 > '" + p + "'");

        WhoReport r = awaitReport(p, x -> !x.opening().isEmpty());

        assertThat(r.holders()).isEmpty(); // no descriptor until the open returns
        assertThat(r.opening()).singleElement().satisfies(o -> {
            assertThat(o.pid()).isIn(pidAndDescendants(sh));
            assertThat(o.command()).isEqualTo("sh");
            assertThat(o.mode()).isEqualTo(AccessMode.WRITE);
            assertThat(o.path()).isEqualTo(p.toString());
        });
        assertThat(r.diagnosis()).anyMatch(d -> d.startsWith("no reader: writers will block"));
    }

    @Test
    void writerBlockedOnAFullPipe() throws Exception {
        Path p = fifo();
        try (FifoReader idle = FifoReader.open(p, ReaderOptions.defaults().awaitWriter(false))) {
            Process writer = processes.start(new ProcessBuilder("cat", "/dev/zero").redirectOutput(p.toFile()));
            Processes.awaitWchan(writer.pid(), 10_000, WRITE_WAIT);

            WhoReport r = awaitReport(p, x -> holder(x, writer.pid()).isPresent());

            Holder h = holder(r, writer.pid()).orElseThrow();
            assertThat(h.fd()).isEqualTo(1);
            assertThat(h.mode()).isEqualTo(AccessMode.WRITE);
            assertThat(h.state()).isEqualTo(HolderState.BLOCKED_WRITE);
            Holder us = holder(r, ProcessHandle.current().pid()).orElseThrow();
            assertThat(us.fd()).isEqualTo(idle.descriptor());
            assertThat(us.mode()).isEqualTo(AccessMode.READ);
            assertThat(r.diagnosis()).contains("pipe is full: pid " + writer.pid() + " (cat) is blocked writing until a reader reads");
        }
    }

    @Test
    void readWriteHolderIsFlaggedAsTheReasonReadersNeverSeeEof() throws Exception {
        Path p = fifo();
        Path rw = CPeer.compile(dir, "hold_rw", """
                #include <fcntl.h>
                #include <stdio.h>
                #include <unistd.h>
                int main(int argc, char **argv) {
                    int fd = open(argv[1], O_RDWR);   /* the classic "unneeded" O_RDWR open */
                    if (fd < 0) { perror("open"); return 1; }
                    printf("%d\\n", fd);
                    fflush(stdout);
                    pause();
                    return 0;
                }
                """);
        Process holder = processes.start(rw.toString(), p.toString());
        int fd = Integer.parseInt(new String(holder.getInputStream().readNBytes(2)).strip());
        Processes.awaitState(holder.pid(), 10_000, 'S'); // past its printf, in pause()
        Process cat = processes.start("cat", p.toString()); // gets through open at once: the holder is a writer
        Processes.awaitWchan(cat.pid(), 10_000, READ_WAIT);

        WhoReport r = awaitReport(p, x -> holder(x, cat.pid()).isPresent() && holder(x, holder.pid()).isPresent());

        Holder h = holder(r, holder.pid()).orElseThrow();
        assertThat(h.fd()).isEqualTo(fd);
        assertThat(h.mode()).isEqualTo(AccessMode.READ_WRITE);
        assertThat(h.state()).isEqualTo(HolderState.SLEEPING);
        assertThat(holder(r, cat.pid()).orElseThrow().state()).isEqualTo(HolderState.BLOCKED_READ);
        assertThat(r.diagnosis()).contains("pid " + holder.pid() + " holds it read-write: readers will never see EOF");
    }

    @Test
    void unlinkedFifoIsStillFoundThroughItsHolders() throws Exception {
        Path p = fifo();
        Process cat = processes.start("cat", p.toString());
        try (FifoWriter _ = FifoWriter.open(p, WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
            Processes.awaitWchan(cat.pid(), 10_000, READ_WAIT);
            Files.delete(p);
            Path viaProc = Path.of("/proc", Long.toString(cat.pid()), "fd", "3");

            WhoReport r = awaitReport(viaProc, true, x -> holder(x, cat.pid()).isPresent());

            assertThat(r.unlinked()).isTrue();
            Holder h = holder(r, cat.pid()).orElseThrow();
            assertThat(h.deleted()).isTrue();
            assertThat(h.target()).isEqualTo(p + " (deleted)");
            assertThat(h.state()).isEqualTo(HolderState.BLOCKED_READ);
            assertThat(holder(r, ProcessHandle.current().pid())).isPresent();
            assertThat(r.diagnosis()).anyMatch(d -> d.startsWith("it has been unlinked"));
            assertThatThrownBy(() -> FifoHolders.of(viaProc)).isInstanceOf(SymlinkException.class);
            assertThatThrownBy(() -> FifoHolders.of(p)).isInstanceOf(NoSuchFifoException.class);
        }
    }

    @Test
    void renamedFifoIsMatchedByInodeNotByPath() throws Exception {
        Path p = fifo();
        Process cat = processes.start("cat", p.toString());
        try (FifoWriter _ = FifoWriter.open(p, WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
            Path moved = Files.move(p, dir.resolve("moved"));

            WhoReport r = awaitReport(moved, x -> holder(x, cat.pid()).isPresent());

            assertThat(holder(r, cat.pid()).orElseThrow().target()).isEqualTo(moved.toString());
            assertThat(r.unlinked()).isFalse();
        }
    }

    @Test
    void nobodyHasItOpen() throws Exception {
        WhoReport r = FifoHolders.of(fifo());
        assertThat(r.holders()).isEmpty();
        assertThat(r.opening()).isEmpty();
        assertNobody(r);
        assertThat(r.deviceName()).matches("\\d+:\\d+");
        assertThat(r.inode()).isEqualTo(Files.getAttribute(dir.resolve("p"), "unix:ino"));
    }

    @Test
    void deviceNumbersMatchStat() throws Exception {
        Path p = fifo();
        WhoReport r = FifoHolders.of(p);
        Process stat = processes.start("stat", "-c", "%Hd:%Ld", p.toString());
        String expected = new String(stat.getInputStream().readAllBytes()).strip();
        assertThat(Processes.waitFor(stat, 10)).isZero();
        assertThat(r.deviceName()).isEqualTo(expected);
    }

    @Test
    void badPathsAreTypedErrors() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), fifo());
        assertThatThrownBy(() -> FifoHolders.of(dir.resolve("missing")))
                .isInstanceOf(NoSuchFifoException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> FifoHolders.of(file))
                .isInstanceOf(NotAFifoException.class).hasMessageContaining("not a FIFO");
        assertThatThrownBy(() -> FifoHolders.of(dir)).isInstanceOf(NotAFifoException.class);
        assertThatThrownBy(() -> FifoHolders.of(link)).isInstanceOf(SymlinkException.class);
        assertNobody(FifoHolders.of(link, true));
    }

    /** Root sees every process; a user sees its own and is told the scan was partial. */
    private static void assertNobody(WhoReport r) {
        if (ROOT) {
            assertThat(r.diagnosis()).containsExactly("nobody has it open");
        } else {
            assertThat(r.diagnosis()).hasSize(2);
            assertThat(r.diagnosis().get(0)).isEqualTo("no process this user may inspect has it open");
            assertThat(r.diagnosis().get(1)).startsWith("partial: ");
        }
    }

    @Test
    void processesStartingAndExitingDuringTheScanNeverBreakIt() throws Exception {
        Path p = fifo();
        long self = ProcessHandle.current().pid();
        try (FifoReader steady = FifoReader.open(p, ReaderOptions.defaults().awaitWriter(false))) {
            // hundreds of short-lived processes, each holding the FIFO read-write for an instant
            Process churn = processes.sh("i=0; while [ $i -lt 400 ]; do (exec 3<>'" + p + "'; exit 0) & "
                    + "sleep 0.001; i=$((i+1)); done; wait");
            int scans = 0;
            while (churn.isAlive() || scans < 5) {
                WhoReport r = FifoHolders.of(p);
                scans++;
                assertThat(holder(r, self)).hasValueSatisfying(h -> assertThat(h.fd()).isEqualTo(steady.descriptor()));
                assertThat(r.holders()).filteredOn(h -> h.pid() != self)
                        .allSatisfy(h -> assertThat(h.mode()).isEqualTo(AccessMode.READ_WRITE));
                if (ROOT) {
                    assertThat(r.partial()).isFalse(); // a user cannot inspect root's processes
                }
            }
            assertThat(Processes.waitFor(churn, 30)).isZero();
            assertThat(scans).isGreaterThanOrEqualTo(5);
        }
    }

    private static List<Long> pidAndDescendants(Process p) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(p.pid()),
                p.descendants().map(ProcessHandle::pid)).toList();
    }
}
