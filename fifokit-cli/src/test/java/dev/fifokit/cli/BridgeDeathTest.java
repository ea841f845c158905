package dev.fifokit.cli;

import dev.fifokit.ends.FifoReadWrite;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each side's death (SIGKILL: nothing of the process runs after it) can lose or write
 * twice, measured with real bridge processes and checked against the bounds docs/bridge.md
 * states. Every test prints its figures.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BridgeDeathTest {
    static final Duration LIMIT = Duration.ofSeconds(150);
    static final int WRITERS = 4;
    static final int EACH = 2000;
    /** What a sending side holds that no one else has: the replay buffer, the outbox, the reader's buffer. */
    static final long SENDER_HOLDS = 1024 + 16 + 64 * 1024 / 16;

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aKilledSenderLosesAtMostWhatItHeldAndDuplicatesNothing() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             // holds in.fifo open for reading and writing, so the writers wait instead of failing
             // while no bridge reads it, and the source ends only when it closes
             FifoReadWrite keeper = FifoReadWrite.open(in.path());
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "tcp-listen:127.0.0.1:0", "fifo:" + out.path());
             Traffic t = new Traffic(WRITERS, EACH)) {
            int port = far.port();
            String[] near = {"--format", "mesg", "--reconnect", "fifo:" + in.path(), "tcp:127.0.0.1:" + port};
            // a slow reader: the far side acknowledges slowly, so the sender holds much when it dies
            t.read(out.path(), LIMIT, WRITERS * EACH / 2);
            t.write(in.path(), Duration.ZERO);
            try (BridgeProcess first = BridgeProcess.start(near)) {
                t.awaitReceived(WRITERS * EACH / 3, LIMIT);
                first.kill();
            }
            try (BridgeProcess second = BridgeProcess.start(near)) {
                t.awaitWriters(LIMIT);
                keeper.close();
                assertThat(second.exit(LIMIT)).as(second.stderr()).isZero();
            }
            t.endIsFinal(); // the far side closes its FIFO once the second sender's session is done
            Traffic.Account a;
            try {
                a = t.account(Duration.ofSeconds(30));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("reader stuck after " + t.received() + "; far said:\n" + far.stderr());
            }
            System.err.printf("sender killed: lost %d, duplicated %d of %d%n", a.lost(), a.duplicates(), WRITERS * EACH);
            assertThat(a.problems()).isEmpty();
            assertThat(a.reordered()).isZero();
            assertThat(a.duplicates()).as("a sender's death duplicates nothing").isZero();
            assertThat(a.lost()).as("at most what the killed sender held").isLessThanOrEqualTo(SENDER_HOLDS);
            assertThat(far.terminate()).isZero();
        }
    }

    @Test
    void aKilledListeningReceiverLosesNothingItsSuccessorGetsTheReplay() throws Exception {
        int port = freePort();
        String[] far = {"--format", "mesg", "tcp-listen:127.0.0.1:" + port, "fifo:" + dir.resolve("out.fifo")};
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             Traffic t = new Traffic(WRITERS, EACH);
             BridgeProcess first = BridgeProcess.start(far)) {
            first.port();
            try (BridgeProcess near = BridgeProcess.start("--format", "mesg", "--reconnect", "fifo:" + in.path(),
                    "tcp:127.0.0.1:" + port);
                 FifoReadWrite keeper = FifoReadWrite.open(in.path())) {
                t.read(out.path(), LIMIT);
                t.write(in.path(), Duration.ZERO);
                t.awaitReceived(WRITERS * EACH / 3, LIMIT);
                first.kill();
                try (BridgeProcess second = BridgeProcess.start(far)) {
                    t.awaitWriters(LIMIT);
                    keeper.close();
                    assertThat(near.exit(LIMIT)).as(near.stderr()).isZero();
                    Traffic.Account a = t.account(LIMIT);
                    System.err.printf("listening receiver killed: lost %d, duplicated %d of %d%n", a.lost(),
                            a.duplicates(), WRITERS * EACH);
                    assertThat(a.problems()).isEmpty();
                    assertThat(a.reordered()).isZero();
                    assertThat(a.lost()).as("a receiver's death loses nothing").isZero();
                    assertThat(a.duplicates()).as("at most what the sender held unacknowledged").isLessThanOrEqualTo(1024);
                    assertThat(second.terminate()).isZero();
                }
            }
        }
    }

    @Test
    void aKilledDiallingReceiverLosesNothingItsSuccessorGetsTheMessagesAfterTheResumeWindow() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess near = BridgeProcess.start("--format", "mesg", "--resume-window", "2s", "fifo:" + in.path(),
                     "tcp-listen:127.0.0.1:0");
             FifoReadWrite keeper = FifoReadWrite.open(in.path());
             Traffic t = new Traffic(WRITERS, EACH)) {
            String[] far = {"--format", "mesg", "--reconnect", "tcp:127.0.0.1:" + near.port(), "fifo:" + out.path()};
            t.read(out.path(), LIMIT);
            t.write(in.path(), Duration.ZERO);
            try (BridgeProcess first = BridgeProcess.start(far)) {
                t.awaitReceived(WRITERS * EACH / 3, LIMIT);
                first.kill();
            }
            try (BridgeProcess second = BridgeProcess.start(far)) {
                t.awaitWriters(LIMIT);
                keeper.close();
                assertThat(second.exit(LIMIT)).as(second.stderr()).isZero();
            }
            Traffic.Account a = t.account(LIMIT);
            System.err.printf("dialling receiver killed: lost %d, duplicated %d, late %d of %d%n", a.lost(),
                    a.duplicates(), a.reordered(), WRITERS * EACH);
            assertThat(a.problems()).isEmpty();
            assertThat(a.reordered()).as("the messages given back arrive after later ones, no more of them")
                    .isLessThanOrEqualTo(1024);
            assertThat(a.lost()).as("a receiver's death loses nothing").isZero();
            assertThat(a.duplicates()).as("at most what its session held unacknowledged").isLessThanOrEqualTo(1024);
            assertThat(near.stderr()).contains("did not come back within 2000 ms");
            assertThat(near.terminate()).isZero();
        }
    }
}
