package dev.fifokit.bridge;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.CorruptFrameException;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One writer's corrupt frame costs only that frame: the whole messages of other writers read
 * in the same go are still delivered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorruptFrameTest {
    @TempDir
    Path dir;

    static byte[] frame(long type, String text) {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(16 + p.length).order(ByteOrder.nativeOrder());
        b.putLong(p.length).putLong(type).put(p);
        return b.array();
    }

    @Test
    void theReaderSkipsToTheNextFrameEvenWhenAStrayByteLooksLikeAShortLength() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(frame(1, "before"));
        bytes.write("not a frame at all\n".getBytes(StandardCharsets.US_ASCII)); // ends in '\n' before a short frame
        for (int i = 0; i < 50; i++) {
            bytes.write(frame(2, "after " + i));
        }
        FrameResync resync = new FrameResync(Channels.newChannel(new java.io.ByteArrayInputStream(bytes.toByteArray())),
                MessageOptions.DEFAULT_BUFFER_BYTES);
        List<String> got = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        try (MessageReader r = MessageReader.of(resync, Framing.MESG, MessageOptions.defaults().maxPayload(4080))) {
            while (true) {
                Message m;
                try {
                    m = r.receive();
                } catch (CorruptFrameException e) {
                    skipped.add(resync.skipCorrupt(r.buffered(), r.maxPayload()));
                    r.discardBuffered();
                    continue;
                }
                if (m == null) {
                    break;
                }
                got.add(m.text());
            }
        }
        assertThat(skipped).containsExactly("not a frame at all\n".length());
        assertThat(got).hasSize(51).startsWith("before", "after 0").endsWith("after 49");
    }

    @Test
    void throughABridgeOneWritersGarbageCostsNoOtherWritersMessage() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge copy = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("fifo:" + out.path()),
                     BridgeOptions.defaults().format(BridgeFormat.MESG).log(log::add)).start();
             ExecutorService ex = Fifos.threads();
             FifoWriter keeper = FifoWriter.open(in.path(), WriterOptions.defaults().timeout(Fifos.OPEN))) {
            // the bridge reads the first message and waits for a reader of out.fifo with it in hand,
            // while a writer of garbage and a writer of good messages fill in.fifo behind it
            try (MessageWriter first = MessageWriter.of(keeper, Framing.MESG)) {
                first.send(0, "first".getBytes(StandardCharsets.UTF_8));
                dev.fifokit.testing.Await.until(Fifos.OPEN, "the bridge took the first message",
                        () -> availableIsZero(keeper));
                try (FifoWriter garbage = FifoWriter.open(in.path())) {
                    garbage.write("not a frame at all\n".getBytes(StandardCharsets.US_ASCII));
                }
                try (FifoWriter good = FifoWriter.open(in.path()); MessageWriter w = MessageWriter.of(good, Framing.MESG)) {
                    for (int i = 0; i < 100; i++) {
                        w.send(2, ("good " + i).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            keeper.close();
            Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
            assertThat(copy.await(Fifos.OPEN)).isTrue();
            List<Message> got = Fifos.get(read, Fifos.OPEN);
            assertThat(got).extracting(Message::text).hasSize(101).startsWith("first", "good 0").endsWith("good 99");
            assertThat(log).anySatisfy(l -> assertThat(l).contains("corrupt frame").contains("skipped 19 bytes"));
        }
    }

    private static boolean availableIsZero(FifoWriter w) {
        try {
            return w.available() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
