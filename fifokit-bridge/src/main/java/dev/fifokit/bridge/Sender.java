package dev.fifokit.bridge;

import dev.fifokit.messages.Message;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Sends one session's messages over one link: first the ones the far side has not
 * acknowledged (at once, whether or not the source has more), then the ones it takes from the
 * {@link Outbox} while the link is up, then FIN when the source has ended; a second thread reads
 * the acknowledgements. It never reads the source, so every failure here is the link's.
 *
 * <p>A message it took from the outbox and did not put whole on the link goes back to the
 * outbox when the link fails, for whichever session sends next; one that went out stays in the
 * session's replay buffer until it is acknowledged.
 */
final class Sender {
    /** How a session ended without a failure. */
    enum Ending {
        /** The source ended and the far side acknowledged everything. */
        COMPLETE,
        /** The far side said it leaves for good (after acknowledging everything it wrote). */
        LEFT
    }

    private final Link link;
    private final SenderSession session;
    private final Outbox outbox;
    private final java.util.function.BooleanSupplier nothingMore;
    private final Counters counters;
    private volatile IOException ackFailure;
    private volatile boolean bye;

    /**
     * {@code nothingMore}: true once no message can come to this session any more (the source
     * ended, the outbox is empty and no other session holds messages that could come back to
     * it); then FIN is sent.
     */
    Sender(Link link, SenderSession session, Outbox outbox, java.util.function.BooleanSupplier nothingMore,
           Counters counters) {
        this.link = link;
        this.session = session;
        this.outbox = outbox;
        this.nothingMore = nothingMore;
        this.counters = counters;
    }

    /**
     * Runs until the session ends (see {@link Ending}) or the link fails (an exception).
     * {@code established} runs once the far side's resume point has arrived.
     *
     * @throws IOException the link failed; the far side refused or sent what it should not
     */
    Ending run(Runnable established) throws IOException {
        DataInputStream in = new DataInputStream(link.in());
        DataOutputStream out = new DataOutputStream(link.out());
        ReplayBuffer buf = session.buffer;
        Wire.Frame first = Wire.readFrame(in, link.name(), 0);
        if (first.kind() != Wire.ACK) {
            throw Refusal.protocol(link + ": expected the resume point, got frame kind " + first.kind());
        }
        long cursor = buf.resume(first.seq(), link.name());
        long replayUntil = buf.nextSeq();
        established.run();
        Thread acks = Thread.ofVirtual().name("fifokit-bridge-acks").start(() -> readAcks(in));
        outbox.addTaker(session.wakeup);
        Ending ending = null;
        boolean finSent = false;
        boolean dirty = false;
        try {
            while (true) {
                if (finSent && buf.drained()) {
                    // everything is written on the far side, which may have hung up already
                    ending = Ending.COMPLETE;
                    return ending;
                }
                if (link.isClosed()) {
                    if (bye) {
                        ending = Ending.LEFT;
                        return ending;
                    }
                    IOException e = ackFailure;
                    throw e != null ? e : new EOFException(link + ": the link closed");
                }
                Message m = buf.get(cursor);
                if (m != null) {
                    Wire.writeData(out, cursor, m.type(), m.payload());
                    counters.sent.incrementAndGet();
                    if (cursor < replayUntil) {
                        counters.replayed.incrementAndGet();
                    }
                    cursor++;
                    dirty = true;
                    continue;
                }
                if (!finSent) {
                    Message next = buf.hasRoom() ? outbox.poll() : null;
                    if (next != null) {
                        buf.append(next);
                        continue;
                    }
                    if (nothingMore.getAsBoolean()) {
                        Wire.writeSeq(out, Wire.FIN, cursor - 1);
                        out.flush();
                        dirty = false;
                        finSent = true;
                        continue;
                    }
                }
                if (dirty) {
                    // about to wait: what is written must reach the far side first
                    out.flush();
                    dirty = false;
                    continue;
                }
                session.wakeup.await(200);
            }
        } catch (InterruptedException e) {
            throw new InterruptedIOException(link + ": interrupted");
        } finally {
            outbox.removeTaker(session.wakeup);
            if (ending == Ending.COMPLETE) {
                // let the far side read the FIN and hang up first, so its last acknowledgement
                // does not meet a closed link
                join(acks);
            }
            link.close();
            join(acks);
            if (ending != Ending.COMPLETE) {
                long unsent = cursor;
                session.unlessTakenOver(link, () -> outbox.giveBack(buf.takeFrom(unsent)));
            }
        }
    }

    private void readAcks(DataInputStream in) {
        try {
            while (true) {
                Wire.Frame f = Wire.readFrame(in, link.name(), 0);
                if (f.kind() == Wire.ACK) {
                    session.buffer.acknowledge(f.seq(), link.name());
                } else if (f.kind() == Wire.BYE) {
                    bye = true;
                    return;
                } else {
                    throw Refusal.protocol(link + ": unexpected frame kind " + f.kind() + " from the receiving side");
                }
            }
        } catch (IOException e) {
            ackFailure = e;
        } finally {
            link.close();
            session.wakeup.wake();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
