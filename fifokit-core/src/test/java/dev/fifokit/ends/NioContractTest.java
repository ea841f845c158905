package dev.fifokit.ends;

import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoInterruptedException;
import dev.fifokit.FifoProblem;
import dev.fifokit.files.Fifo;
import dev.fifokit.internal.linux.PipeFd;
import dev.fifokit.testing.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Code written for any NIO channel recognises a closed or interrupted fifokit end by the JDK's
 * exception types, and the message still names the FIFO.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NioContractTest {
    @TempDir
    Path dir;

    /** What generic NIO code does: read, and sort the failure by the JDK's types. */
    private static String genericRead(ReadableByteChannel ch) {
        try {
            ch.read(ByteBuffer.allocate(8));
            return "read";
        } catch (ClosedByInterruptException e) {
            return "interrupted: " + e.getMessage();
        } catch (AsynchronousCloseException e) {
            return "closed while reading: " + e.getMessage();
        } catch (ClosedChannelException e) {
            return "closed: " + e.getMessage();
        } catch (Exception e) {
            return "other: " + e;
        }
    }

    @Test
    void closedAndInterruptedEndsAreTheJdksChannelExceptionsNamingThePath() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            for (boolean viaInterrupt : new boolean[] {false, true}) {
                try (Fifo fifo = Fifo.create(dir.resolve("p-" + virtual + viaInterrupt));
                     FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false))) {
                    CompletableFuture<String> outcome = new CompletableFuture<>();
                    Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> outcome.complete(genericRead(r)));
                    Threads.awaitIn(t, PipeFd.class, virtual ? "awaitVirtual" : "awaitPlatform", Duration.ofSeconds(30));
                    if (viaInterrupt) {
                        t.interrupt();
                    } else {
                        r.close();
                    }
                    assertThat(outcome.get(30, TimeUnit.SECONDS))
                            .startsWith(viaInterrupt ? "interrupted: " : "closed while reading: ")
                            .contains(fifo.path().toString());
                    // and a read after close is a plain closed channel
                    assertThat(genericRead(r)).startsWith("closed").contains(fifo.path().toString());
                }
            }
        }
    }

    @Test
    void theClosedErrorsKeepTheirFifokitNamesAndPath() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("q"))) {
            FifoReader r = FifoReader.open(fifo.path(), ReaderOptions.defaults().awaitWriter(false));
            r.close();
            try {
                r.read(ByteBuffer.allocate(1));
                throw new AssertionError("read on a closed end");
            } catch (FifoClosedException e) {
                assertThat(e).isInstanceOf(ClosedChannelException.class).isInstanceOf(FifoProblem.class);
                assertThat(e.path()).isEqualTo(fifo.path());
                assertThat(e.getMessage()).isEqualTo(fifo.path() + ": the end is closed");
            }
            assertThat(new FifoInterruptedException(fifo.path(), "x")).isInstanceOf(ClosedByInterruptException.class);
        }
    }
}
