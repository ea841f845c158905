package dev.fifokit.bridge;

import dev.fifokit.messages.Message;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The one thread that reads the source (a FIFO or standard input) and puts each message into
 * the {@link Outbox}. It never touches a link, so a FIFO failure and a link failure cannot be
 * taken for each other: a failure here ends the bridge, whatever the links do.
 *
 * <p>{@link #stop()} ends the reading between messages: it closes the source's end, which
 * ends a read blocked on it, and then moves the whole messages already read into the reader's
 * buffer (taken out of the pipe, so they exist nowhere else) to the outbox, before it says the
 * source has ended.
 */
final class SourcePump {
    private final LocalEnds.MessageSource source;
    private final Outbox outbox;
    private final Consumer<IOException> failed;
    private final Consumer<String> log;
    private volatile boolean stopping;

    SourcePump(LocalEnds.MessageSource source, Outbox outbox, Consumer<IOException> failed, Consumer<String> log) {
        this.source = source;
        this.outbox = outbox;
        this.failed = failed;
        this.log = log;
    }

    /** The reading thread's body. */
    void run() {
        try {
            while (!stopping) {
                outbox.awaitRoom();
                Message m = source.next();
                if (m == null) {
                    break;
                }
                outbox.put(m);
            }
        } catch (IOException e) {
            if (!stopping) {
                outbox.end();
                failed.accept(e);
                return;
            }
        } catch (InterruptedException e) {
            if (!stopping) {
                outbox.end();
                return;
            }
        }
        if (stopping) {
            drain();
        }
        outbox.end();
    }

    /** Stops reading (see the class comment); the reading thread finishes the rest. */
    void stop() {
        stopping = true;
        outbox.allowOverflow();
        source.close();
    }

    /** {@return true once {@link #stop()} was called} */
    boolean isStopping() {
        return stopping;
    }

    private void drain() {
        try {
            while (source.ready()) {
                Message m = source.next();
                if (m == null) {
                    break;
                }
                outbox.put(m);
            }
        } catch (IOException | InterruptedException e) {
            // the rest of the buffer was not a whole message
        }
        int partial = source.buffered();
        if (partial > 0) {
            log.accept(source + ": stopped reading with " + partial + " bytes of an incomplete message in hand (dropped)");
        }
    }
}
