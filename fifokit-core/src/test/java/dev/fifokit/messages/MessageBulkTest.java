package dev.fifokit.messages;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.FifoClosedException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.PipeOptions;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.ends.Pipe;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Background;
import dev.fifokit.testing.CPeer;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bulk paths: {@link MessageBatch} (frames built in place, written together) and
 * {@link MessageReader#receiveAll} (every whole buffered message handed over without a copy).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MessageBulkTest {
    private static final int PIPE_BUF = 4096;

    @TempDir
    Path dir;

    /** Collects what a reader hands over, copying each payload out of the view. */
    static final class Collect implements MessageHandler {
        final List<Message> got = new ArrayList<>();

        @Override
        public void onMessage(long type, ByteBuffer payload) {
            byte[] b = new byte[payload.remaining()];
            payload.get(payload.position(), b);
            got.add(new Message(type, b));
        }
    }

    // ---- MessageBatch ----

    @Test
    void inPlaceFramesAreStructMymesgAndGoOutInPipeBufWritesOfWholeFrames() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG)) {
            try (MessageBatch batch = w.batch()) {
                for (long seq = 0; seq < 100; seq++) {
                    ByteBuffer p = batch.add(7, 48);
                    assertThat(p.remaining()).isEqualTo(48);
                    assertThat(p.order()).isEqualTo(ByteOrder.nativeOrder());
                    p.putLong(seq);
                    while (p.hasRemaining()) {
                        p.put((byte) (seq + p.position()));
                    }
                }
                assertThat(ch.writes).as("64 frames fill PIPE_BUF and go out at the 65th").hasSize(1);
            }
            assertThat(ch.writes).as("the batch's close writes the rest").hasSize(2);
        }
        assertThat(ch.writes).extracting(b -> b.length).containsExactly(64 * 64, 36 * 64);
        ByteBuffer all = ByteBuffer.wrap(ch.all()).order(ByteOrder.nativeOrder());
        for (long seq = 0; seq < 100; seq++) {
            assertThat(all.getLong()).isEqualTo(48);
            assertThat(all.getLong()).isEqualTo(7);
            assertThat(all.getLong()).isEqualTo(seq);
            int payloadStart = (int) (seq % 64) * 64 + 16; // its position in the writer's buffer
            for (int i = 8; i < 48; i++) {
                assertThat(all.get()).isEqualTo((byte) (seq + payloadStart + i));
            }
        }
    }

    @Test
    void writingPastTheReservedPayloadThrowsAndLeavesTheFrameIntact() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG); MessageBatch batch = w.batch()) {
            ByteBuffer p = batch.add(1, 4);
            assertThatThrownBy(() -> p.putLong(1)).isInstanceOf(java.nio.BufferOverflowException.class);
            assertThatThrownBy(() -> p.putLong(p.position(), 1)).isInstanceOf(IndexOutOfBoundsException.class);
            p.putInt(0x01020304);
        }
        ByteBuffer all = ByteBuffer.wrap(ch.all()).order(ByteOrder.nativeOrder());
        assertThat(all.remaining()).isEqualTo(20);
        assertThat(all.getLong()).isEqualTo(4);
        assertThat(all.getLong()).isEqualTo(1);
        assertThat(all.getInt()).isEqualTo(0x01020304);
    }

    @Test
    void framesOfRandomSizesNeverStraddleAWriteAndDecodeBackInOrder() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        List<Message> sent = new ArrayList<>();
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG)) {
            for (int b = 0; b < 50; b++) {
                try (MessageBatch batch = w.batch()) {
                    for (int i = rnd.nextInt(1, 40); i > 0; i--) {
                        byte[] p = new byte[rnd.nextInt(0, 1200)];
                        rnd.nextBytes(p);
                        long type = rnd.nextLong();
                        if (rnd.nextBoolean()) {
                            batch.add(type, p, 0, p.length);
                        } else {
                            batch.add(type, p.length).put(p);
                        }
                        sent.add(new Message(type, p));
                    }
                }
            }
        }
        for (byte[] write : ch.writes) {
            assertThat(write.length).isLessThanOrEqualTo(PIPE_BUF);
            // every write on its own decodes to whole frames: none is cut between two writes
            try (MessageReader r = MessageReader.of(new TestChannels.Chunked(write, write.length), Framing.MESG)) {
                Collect c = new Collect();
                while (r.receiveAll(c) >= 0) {
                    assertThat(r.buffered()).isZero();
                }
            }
        }
        Collect c = new Collect();
        try (MessageReader r = MessageReader.of(new TestChannels.Chunked(ch.all(), 1000), Framing.MESG)) {
            while (r.receiveAll(c) >= 0) {
                // all of them
            }
        }
        assertThat(c.got).isEqualTo(sent);
    }

    @Test
    void aBatchCollectsEvenOnAnUnbatchedWriterAndSendInsideItJoinsTheBatch() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG)) {
            try (MessageBatch batch = w.batch()) {
                batch.add(1, "a".getBytes(StandardCharsets.US_ASCII));
                w.send(2, "b".getBytes(StandardCharsets.US_ASCII));
                batch.add(3, 0);
                assertThat(w.pending()).isEqualTo(3 * 16 + 2);
                assertThat(ch.writes).isEmpty();
            }
            assertThat(ch.writes).hasSize(1);
            w.send(4, new byte[1]);
            assertThat(ch.writes).as("outside a batch an unbatched writer writes at once").hasSize(2);
        }
    }

    @Test
    void lineBatchesEscapeCopiedPayloadsAndRefuseInPlaceFrames() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.LINE)) {
            try (MessageBatch batch = w.batch()) {
                batch.add(0, "one\ntwo".getBytes(StandardCharsets.US_ASCII));
                batch.add(0, "back\\slash".getBytes(StandardCharsets.US_ASCII));
                assertThatThrownBy(() -> batch.add(0, 10)).isInstanceOf(UnsupportedOperationException.class);
            }
        }
        assertThat(ch.writes).hasSize(1);
        assertThat(new String(ch.all(), StandardCharsets.US_ASCII)).isEqualTo("one\\ntwo\nback\\\\slash\n");
    }

    @Test
    void oversizedOrNegativeFramesAreRefusedBeforeAnythingIsAdded() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG)) {
            try (MessageBatch batch = w.batch()) {
                batch.add(1, 8).putLong(42);
                assertThatThrownBy(() -> batch.add(1, PIPE_BUF - 15))
                        .isInstanceOf(MessageTooLargeException.class).hasMessageContaining("maximum payload");
                assertThatThrownBy(() -> batch.add(1, -1)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> batch.add(1, new byte[PIPE_BUF], 0, PIPE_BUF))
                        .isInstanceOf(MessageTooLargeException.class);
                assertThat(w.pending()).isEqualTo(24);
            }
        }
        assertThat(ch.writes).hasSize(1);
        assertThat(ch.all()).hasSize(24);

        // an exclusive writer may send frames bigger than its buffer, but not build them in place
        TestChannels.Recording big = new TestChannels.Recording();
        MessageOptions exclusive = MessageOptions.defaults().exclusiveWriter().bufferBytes(1024).maxPayload(100_000);
        try (MessageWriter w = MessageWriter.of(big, Framing.MESG, exclusive); MessageBatch batch = w.batch()) {
            assertThatThrownBy(() -> batch.add(1, 5000))
                    .isInstanceOf(MessageTooLargeException.class).hasMessageContaining("send it with send()");
            batch.add(1, new byte[5000], 0, 5000);
        }
        assertThat(big.all()).hasSize(5016);
    }

    @Test
    void aBatchBelongsToItsThreadAndHoldsOtherSendersUntilItCloses() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG)) {
            MessageBatch batch = w.batch();
            assertThatThrownBy(w::batch).isInstanceOf(IllegalStateException.class);
            CountDownLatch trying = new CountDownLatch(1);
            CompletableFuture<Void> other = Background.supply(() -> {
                assertThatThrownBy(() -> batch.add(1, 8)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("thread that opened it");
                assertThatThrownBy(batch::close).isInstanceOf(IllegalStateException.class);
                trying.countDown();
                w.send(2, new byte[3]); // waits for the batch
                return null;
            });
            assertThat(trying.await(10, TimeUnit.SECONDS)).isTrue();
            batch.add(1, 8).putLong(1);
            Thread.sleep(50);
            assertThat(other).isNotDone();
            assertThat(ch.writes).isEmpty();
            batch.close();
            other.get(10, TimeUnit.SECONDS);
            assertThat(ch.writes).extracting(b -> b.length).containsExactly(24, 19);
            batch.close(); // twice: nothing
            assertThatThrownBy(() -> batch.add(1, 8)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void aClosedWriterGivesNoBatch() throws Exception {
        MessageWriter w = MessageWriter.of(new TestChannels.Recording(), Framing.MESG);
        w.close();
        assertThatThrownBy(w::batch).isInstanceOf(FifoClosedException.class);
    }

    @Test
    void aGoneReaderFailsTheBatchWithBrokenPipeAndReleasesTheWriter() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            FifoWriter end = pipe.writer();
            MessageWriter w = MessageWriter.of(end, Framing.MESG);
            pipe.reader().close();
            MessageBatch batch = w.batch();
            batch.add(1, 8);
            assertThatThrownBy(batch::close).isInstanceOf(BrokenPipeException.class);
            // the lock was released: the next call fails the same way instead of hanging
            assertThatThrownBy(() -> w.send(1, new byte[1])).isInstanceOf(BrokenPipeException.class);
            w.close();
        }
    }

    @Test
    void aNonBlockingEndThatTakesNothingIsATypedErrorNotALoop() throws Exception {
        try (Pipe pipe = Pipe.open(PipeOptions.defaults().nonBlocking())) {
            FifoWriter end = pipe.writer();
            byte[] page = new byte[PIPE_BUF];
            while (end.write(page) > 0) {
                // fill the pipe
            }
            MessageWriter w = MessageWriter.of(end, Framing.MESG);
            assertThatThrownBy(() -> w.send(1, new byte[8]))
                    .isInstanceOf(dev.fifokit.FifoException.class).hasMessageContaining("blocking channel");
            MessageBatch batch = w.batch();
            batch.add(1, 8).putLong(1);
            assertThatThrownBy(batch::close).hasMessageContaining("blocking channel");
        }
    }

    // ---- receiveAll ----

    @Test
    void receiveAllHandsOverEveryWholeBufferedMessageAndStopsBeforeAPartialOne() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG, MessageOptions.defaults().exclusiveWriter())) {
            for (int i = 0; i < 10; i++) {
                w.send(i, ("m" + i).getBytes(StandardCharsets.US_ASCII));
            }
        }
        byte[] wire = ch.all(); // 10 frames of 18 bytes
        // reads of 50 bytes: the first call gets two whole frames and the start of a third
        try (MessageReader r = MessageReader.of(new TestChannels.Chunked(wire, 50), Framing.MESG)) {
            Collect c = new Collect();
            assertThat(r.receiveAll(c)).isEqualTo(2);
            assertThat(r.buffered()).isEqualTo(14);
            int total = 2;
            for (int n; (n = r.receiveAll(c)) >= 0; ) {
                assertThat(n).isPositive();
                total += n;
            }
            assertThat(total).isEqualTo(10);
            assertThat(c.got).extracting(Message::text).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
            assertThat(c.got).extracting(Message::type).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(r.receiveAll(c)).as("still at the end").isEqualTo(-1);
        }
    }

    @Test
    void aCorruptFrameAfterGoodOnesEndsTheCallWithThemAndTheNextCallThrowsAtItsOffset() throws Exception {
        ByteBuffer wire = ByteBuffer.allocate(3 * 20 + 16).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 3; i++) {
            wire.putLong(4).putLong(i).putInt(i);
        }
        wire.putLong(-5).putLong(0);
        try (MessageReader r = MessageReader.of(new TestChannels.Chunked(wire.array(), 4096), Framing.MESG)) {
            Collect c = new Collect();
            assertThat(r.receiveAll(c)).isEqualTo(3);
            assertThatThrownBy(() -> r.receiveAll(c)).isInstanceOfSatisfying(CorruptFrameException.class,
                    e -> assertThat(e.offset()).isEqualTo(60));
            assertThat(c.got).hasSize(3);
        }
    }

    @Test
    void aStreamEndingInsideAFrameIsTruncatedAfterTheWholeOnes() throws Exception {
        ByteBuffer wire = ByteBuffer.allocate(20 + 16 + 2).order(ByteOrder.nativeOrder());
        wire.putLong(4).putLong(1).putInt(9).putLong(4).putLong(2).put((byte) 1).put((byte) 2);
        try (MessageReader r = MessageReader.of(new TestChannels.Chunked(wire.array(), 4096), Framing.MESG)) {
            Collect c = new Collect();
            assertThat(r.receiveAll(c)).isEqualTo(1);
            assertThatThrownBy(() -> r.receiveAll(c)).isInstanceOfSatisfying(TruncatedMessageException.class,
                    e -> assertThat(e.offset()).isEqualTo(20));
            assertThat(r.receiveAll(c)).isEqualTo(-1);
        }
    }

    @Test
    void aHandlerThatThrowsConsumesItsMessageOnlyAndOneThatCallsBackIsRefused() throws Exception {
        TestChannels.Recording ch = new TestChannels.Recording();
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG, MessageOptions.defaults().exclusiveWriter())) {
            for (int i = 0; i < 4; i++) {
                w.send(i, new byte[]{(byte) i});
            }
        }
        try (MessageReader r = MessageReader.of(new TestChannels.Chunked(ch.all(), 4096), Framing.MESG)) {
            assertThatThrownBy(() -> r.receiveAll((type, p) -> {
                if (type == 1) {
                    throw new IOException("handler failed at " + type);
                }
            })).hasMessage("handler failed at 1");
            assertThatThrownBy(() -> r.receiveAll((type, p) -> r.receive()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("called back");
            Collect c = new Collect();
            assertThat(r.receiveAll(c)).isEqualTo(1);
            assertThat(c.got).extracting(Message::type).containsExactly(3L);
        }
    }

    @Test
    void aPayloadBiggerThanTheReadBufferIsHandedOverWhole() throws Exception {
        byte[] big = new byte[10_000];
        new SplittableRandom(5).nextBytes(big);
        TestChannels.Recording ch = new TestChannels.Recording();
        MessageOptions large = MessageOptions.defaults().exclusiveWriter().maxPayload(20_000);
        try (MessageWriter w = MessageWriter.of(ch, Framing.MESG, large)) {
            w.send(5, big);
            w.send(6, new byte[]{1});
        }
        try (MessageReader r = MessageReader.of(new TestChannels.Chunked(ch.all(), 700), Framing.MESG,
                MessageOptions.defaults().maxPayload(20_000).bufferBytes(1024))) {
            Collect c = new Collect();
            while (r.receiveAll(c) >= 0) {
                // both
            }
            assertThat(c.got).containsExactly(new Message(5, big), new Message(6, new byte[]{1}));
        }
    }

    @Test
    void linesAreDecodedAndAnOverlongLineThrowsOnTheCallAfterTheGoodOnes() throws Exception {
        String text = "a\\nb\nplain\n" + "x".repeat(100) + "\nafter\n";
        MessageOptions small = MessageOptions.defaults().maxPayload(50);
        try (MessageReader r = MessageReader.of(new TestChannels.Chunked(text.getBytes(StandardCharsets.US_ASCII), 4096),
                Framing.LINE, small)) {
            Collect c = new Collect();
            assertThat(r.receiveAll(c)).isEqualTo(2);
            assertThatThrownBy(() -> r.receiveAll(c)).isInstanceOf(MessageTooLargeException.class);
            assertThat(r.receiveAll(c)).isEqualTo(1);
            assertThat(r.receiveAll(c)).isEqualTo(-1);
            assertThat(c.got).extracting(Message::text).containsExactly("a\nb", "plain", "after");
            assertThat(c.got).extracting(Message::type).containsOnly(Framing.LINE_TYPE);
        }
    }

    // ---- through a real FIFO, against C ----

    /** Writes COUNT frames of random sizes in batches of up to PIPE_BUF, as a C program would. */
    private static final String C_BATCH_WRITER = """
            #include <fcntl.h>
            #include <stdint.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                int fd = open(argv[1], O_WRONLY);
                long count = atol(argv[2]);
                static char buf[4096];
                size_t used = 0;
                uint64_t rnd = 88172645463325252ULL;
                for (long seq = 0; seq < count; seq++) {
                    rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17;
                    long len = 8 + (long) (rnd % 200);
                    if (used + 16 + len > sizeof buf) {
                        if (write(fd, buf, used) != (ssize_t) used) return 1;
                        used = 0;
                    }
                    memcpy(buf + used, &len, 8);
                    memcpy(buf + used + 8, &seq, 8);
                    memcpy(buf + used + 16, &seq, 8);
                    memset(buf + used + 24, (int) (seq & 0xff), (size_t) len - 8);
                    used += 16 + (size_t) len;
                }
                if (used && write(fd, buf, used) != (ssize_t) used) return 1;
                return 0;
            }
            """;

    /** Reads frames as Stevens' mesg_recv does (header, then payload) and prints count and sum. */
    private static final String C_READER = """
            #include <fcntl.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <unistd.h>
            static int readn(int fd, char *p, size_t n) {
                while (n > 0) { ssize_t r = read(fd, p, n); if (r <= 0) return -1; p += r; n -= (size_t) r; }
                return 0;
            }
            int main(int argc, char **argv) {
                int fd = open(argv[1], O_RDONLY);
                long hdr[2]; static char payload[4096];
                long count = 0; uint64_t sum = 0;
                while (readn(fd, (char *) hdr, 16) == 0) {
                    if (hdr[0] < 8 || hdr[0] > 4080 || readn(fd, payload, (size_t) hdr[0]) != 0) { puts("bad"); return 1; }
                    uint64_t seq; __builtin_memcpy(&seq, payload, 8);
                    if ((long) seq != count || hdr[1] != 3) { puts("order"); return 1; }
                    sum += seq; count++;
                }
                printf("%ld %llu\\n", count, (unsigned long long) sum);
                return 0;
            }
            """;

    @Test
    void aCWriterOfBatchedFramesIsReadWholeByReceiveAll() throws Exception {
        Path writer = CPeer.compile(dir, "batch_writer", C_BATCH_WRITER);
        int count = 200_000;
        try (Fifo fifo = Fifo.create(dir.resolve("c-to-java.fifo"));
             Processes procs = new Processes()) {
            Process c = procs.start(writer.toString(), fifo.path().toString(), Integer.toString(count));
            try (FifoReader end = fifo.openReader(ReaderOptions.defaults().timeout(Duration.ofSeconds(20)));
                 MessageReader in = MessageReader.of(end, Framing.MESG)) {
                long[] next = {0};
                MessageHandler check = (type, p) -> {
                    long seq = next[0]++;
                    assertThat(type).isEqualTo(seq);
                    assertThat(p.getLong(p.position())).isEqualTo(seq);
                    for (int i = p.position() + 8; i < p.limit(); i++) {
                        if (p.get(i) != (byte) seq) {
                            throw new AssertionError("message " + seq + " is torn at byte " + (i - p.position()));
                        }
                    }
                };
                while (in.receiveAll(check) >= 0) {
                    // until the writer closes
                }
                assertThat(next[0]).isEqualTo(count);
            }
            assertThat(Processes.waitFor(c, 20)).isZero();
        }
    }

    @Test
    void batchedFramesFromJavaAreWhatStevensMesgRecvReads() throws Exception {
        Path reader = CPeer.compile(dir, "mesg_reader", C_READER);
        int count = 100_000;
        try (Fifo fifo = Fifo.create(dir.resolve("java-to-c.fifo"));
             Processes procs = new Processes()) {
            Process c = procs.start(reader.toString(), fifo.path().toString());
            try (FifoWriter end = fifo.openWriter(WriterOptions.defaults().timeout(Duration.ofSeconds(20)));
                 MessageWriter out = MessageWriter.of(end, Framing.MESG)) {
                SplittableRandom rnd = new SplittableRandom(9);
                long seq = 0;
                while (seq < count) {
                    try (MessageBatch batch = out.batch()) {
                        for (int i = rnd.nextInt(1, 100); i > 0 && seq < count; i--) {
                            batch.add(3, rnd.nextInt(8, 300)).putLong(seq++);
                        }
                    }
                }
            }
            String result = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertThat(Processes.waitFor(c, 20)).isZero();
            assertThat(result).isEqualTo(count + " " + ((long) count * (count - 1) / 2));
        }
    }
}
