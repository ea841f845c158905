package dev.fifokit.server;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The request parser against a real FIFO: garbage from one writer, atomic requests from others. */
@Timeout(120)
class RequestReaderTest {
    @TempDir
    Path tmp;

    @org.junit.jupiter.api.Disabled("known gap, intermittent: a garbage byte right before a short request can read as a plausible frame header "
            + "that swallows the request; the resync needs a check against later headers (see docs/server-protocol.md)")
    @Test
    void everyRequestWrittenAmongAGarbageFloodIsFound() throws Exception {
        Path path = tmp.resolve("s.fifo");
        try (Fifo f = Fifo.create(path, 0600);
             FifoReader in = f.openReader(ReaderOptions.defaults().keepAlive())) {
            Set<Long> found = ConcurrentHashMap.newKeySet();
            ServerLog log = new ServerLog(line -> { });
            RequestReader reader = new RequestReader(in, 4080, path, log);
            AtomicBoolean stop = new AtomicBoolean();
            Thread garbage = Thread.ofPlatform().start(() -> {
                Random r = new Random(1);
                byte[] junk = new byte[128 * 1024];
                try (FifoWriter w = FifoWriter.open(path)) {
                    while (!stop.get()) {
                        r.nextBytes(junk);
                        w.write(junk);
                    }
                } catch (Exception ignored) {
                    // the reader closed
                }
            });
            int requests = 2000;
            Thread senders = Thread.ofPlatform().start(() -> {
                try (FifoWriter w = FifoWriter.open(path)) {
                    for (long id = 1; id <= requests; id++) {
                        byte[] payload = new byte[(int) (id % 100)];
                        w.write(RawClient.frame(id % 2 == 0 ? id : ServerProtocol.TOKEN_FORM + id, payload));
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            long end = System.nanoTime() + 60_000_000_000L;
            while (found.size() < requests && System.nanoTime() < end) {
                if (reader.buffered() == 0) {
                    reader.fillBlocking();
                }
                reader.pass((type, payload) -> {
                    found.add(type > ServerProtocol.TOKEN_FORM ? type - ServerProtocol.TOKEN_FORM : type);
                    return true;
                }, 1 << 20);
            }
            stop.set(true);
            senders.join();
            in.close();
            garbage.join(10_000);
            System.out.println("found " + found.size() + " of " + requests + ", garbage " + log.garbageBytes.get());
            assertThat(found).hasSize(requests);
        }
    }
}
