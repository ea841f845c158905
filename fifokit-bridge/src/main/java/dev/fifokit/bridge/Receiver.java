package dev.fifokit.bridge;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes one far side's messages to the sink, in order, each once, over one link: it first
 * says where to resume (the last message it wrote for this sender), drops a message it has
 * already written, refuses a gap, and acknowledges when nothing more is waiting and at least
 * every {@value #ACK_EVERY} messages. A frame is read only after the previous one was written,
 * so a sink nobody reads stops the link rather than filling memory. The sink's failures are
 * {@link LocalFailure}s, never taken for the link's.
 *
 * <p>{@link #leave()} ends it between messages: a message being written is finished and
 * acknowledged, then the far side is told BYE (keep nothing for this side) and the link closes.
 */
final class Receiver {
    /** Frames the receiver lets pass before it acknowledges even while more input is waiting. */
    static final int ACK_EVERY = 64;

    private final Link link;
    private final ReceiverSession state;
    private final LocalEnds.MessageSink sink;
    private final Counters counters;
    private final DataOutputStream out;
    /** Guards the writes to the link, {@link #leaving} and {@link #inHand}. */
    private final ReentrantLock writes = new ReentrantLock();
    private boolean leaving;
    private boolean inHand;

    Receiver(Link link, ReceiverSession state, LocalEnds.MessageSink sink, Counters counters) {
        this.link = link;
        this.state = state;
        this.sink = sink;
        this.counters = counters;
        this.out = new DataOutputStream(link.out());
    }

    /**
     * Runs until the far side's source ended and everything is written
     * ({@link Sender.Ending#COMPLETE}), this side {@linkplain #leave() leaves}
     * ({@link Sender.Ending#LEFT}), or the link fails (an exception). {@code established} runs
     * once the resume point is sent.
     *
     * @throws LocalFailure the sink failed
     * @throws IOException the link failed, or the far side sent what it should not
     */
    Sender.Ending run(Runnable established) throws IOException {
        state.lock.lock();
        try {
            return receive(established);
        } finally {
            state.lock.unlock();
        }
    }

    private Sender.Ending receive(Runnable established) throws IOException {
        DataInputStream in = new DataInputStream(link.in());
        int max;
        try {
            max = sink.maxPayload();
        } catch (IOException e) {
            throw new LocalFailure(e);
        }
        acknowledge();
        established.run();
        int unacked = 0;
        while (true) {
            Wire.Frame f;
            try {
                f = Wire.readFrame(in, link.name(), max);
            } catch (IOException e) {
                if (hasLeft()) {
                    return Sender.Ending.LEFT;
                }
                throw e;
            }
            if (f.kind() == Wire.FIN) {
                // Everything before the FIN is written, so the session is over whatever happens to
                // this last acknowledgement: the sender may already have closed the link, since it
                // stops once every message is acknowledged.
                state.finished = true;
                try {
                    acknowledge();
                } catch (IOException ignored) {
                    // the sender has gone; it needed nothing more
                }
                return Sender.Ending.COMPLETE;
            }
            if (f.kind() != Wire.DATA) {
                throw Refusal.protocol(link + ": unexpected frame kind " + f.kind() + " from the sending side");
            }
            long seq = f.seq();
            long last = state.lastDelivered;
            if (last != 0 && seq <= last) {
                counters.duplicates.incrementAndGet();
            } else if (last != 0 && seq != last + 1) {
                throw Refusal.protocol(link + ": message " + seq + " after " + last + " (a gap)");
            } else {
                if (!take()) {
                    return Sender.Ending.LEFT;
                }
                try {
                    sink.deliver(f.type(), f.payload());
                } catch (IOException e) {
                    throw new LocalFailure(e);
                } finally {
                    put(seq);
                }
                counters.delivered.incrementAndGet();
            }
            if (++unacked >= ACK_EVERY || in.available() == 0) {
                acknowledge();
                unacked = 0;
            }
            if (hasLeft()) {
                return Sender.Ending.LEFT;
            }
        }
    }

    /** Leaves between messages (see the class comment); any thread. */
    void leave() {
        writes.lock();
        try {
            leaving = true;
            if (!inHand) {
                goodbye();
            }
        } finally {
            writes.unlock();
        }
    }

    /** A message is about to be written: false when this side is leaving (it is not written then). */
    private boolean take() {
        writes.lock();
        try {
            if (leaving) {
                return false;
            }
            inHand = true;
            return true;
        } finally {
            writes.unlock();
        }
    }

    /** The message {@code seq} was written (or its write failed, which ends everything anyway). */
    private void put(long seq) {
        writes.lock();
        try {
            inHand = false;
            state.lastDelivered = seq;
            if (leaving) {
                goodbye();
            }
        } finally {
            writes.unlock();
        }
    }

    private boolean hasLeft() {
        writes.lock();
        try {
            return leaving;
        } finally {
            writes.unlock();
        }
    }

    private void acknowledge() throws IOException {
        writes.lock();
        try {
            Wire.writeSeq(out, Wire.ACK, state.lastDelivered);
            out.flush();
        } finally {
            writes.unlock();
        }
    }

    /** Under {@link #writes}: the last acknowledgement, BYE, and the link closes. */
    private void goodbye() {
        try {
            Wire.writeSeq(out, Wire.ACK, state.lastDelivered);
            Wire.writeBye(out);
            out.flush();
        } catch (IOException ignored) {
            // the sender is gone already; it replays what it never saw acknowledged
        }
        link.close();
    }
}
