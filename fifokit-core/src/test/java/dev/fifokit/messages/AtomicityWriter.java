package dev.fifokit.messages;

import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.WriterOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * One writer process of {@link AtomicityTest}: opens the FIFO, says "ready", waits for a line
 * on stdin, then sends COUNT mesg messages of type ID with random sizes up to the maximum: one
 * {@code send} each for an even ID, in {@link MessageBatch}es of 1 to 64 for an odd one.
 * Message SEQ of writer ID has a length drawn from {@code SplittableRandom(SEED)} and a
 * content given by {@link #fill}, so the reader can check every byte.
 *
 * <p>Usage: {@code AtomicityWriter FIFO ID COUNT SEED}
 */
public final class AtomicityWriter {
    private AtomicityWriter() {}

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        int id = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        try (FifoWriter end = FifoWriter.open(path, WriterOptions.defaults().timeout(Duration.ofSeconds(60)));
             MessageWriter out = MessageWriter.of(end, Framing.MESG)) {
            System.out.println("ready");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
            SplittableRandom sizes = new SplittableRandom(seed);
            byte[] buf = new byte[out.maxPayload()];
            SplittableRandom batches = new SplittableRandom(seed ^ 0xBA7C4);
            for (int seq = 0; seq < count; ) {
                if (id % 2 == 0) { // one send per message
                    int len = sizes.nextInt(8, out.maxPayload() + 1);
                    fill(buf, id, seq++, len);
                    out.send(id, buf, 0, len);
                    continue;
                }
                try (MessageBatch batch = out.batch()) { // frames built in place, written together
                    for (int n = batches.nextInt(1, 65); n > 0 && seq < count; n--) {
                        int len = sizes.nextInt(8, out.maxPayload() + 1);
                        fill(buf, id, seq++, len);
                        batch.add(id, len).put(buf, 0, len);
                    }
                }
            }
        }
    }

    /** The payload of message {@code seq} of writer {@code id}: the sequence number, then a pattern. */
    static void fill(byte[] b, int id, int seq, int len) {
        Frames.putLong(b, 0, seq);
        for (int i = 8; i < len; i++) {
            b[i] = (byte) (id * 37 + seq * 7 + i);
        }
    }
}
