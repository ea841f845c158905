package dev.fifokit.cli;

import dev.fifokit.FifoException;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import dev.fifokit.messages.MessageTooLargeException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Moves messages from a reader to a writer until a clean end of stream: the heart of
 * {@code cat --format}, {@code write --format} and the echo commands. The writer batches; it
 * is flushed whenever the reader has no whole message buffered (before it may block), so
 * interactive use sees every message at once. On an error, every message already received is
 * flushed before the error goes up: nothing delivered is lost.
 */
final class MessagePump {
    private MessagePump() {}

    /**
     * Copies until end of stream.
     *
     * @param type the type to give every message, or null to keep each message's own
     * @return messages copied
     */
    static long copy(MessageReader in, MessageWriter out, Long type, Progress meter) throws IOException {
        long count = 0;
        try {
            while (true) {
                if (!in.ready()) {
                    out.flush();
                }
                Message m = in.receive();
                if (m == null) {
                    break;
                }
                out.send(type != null ? type : m.type(), m.payload());
                meter.add(m.length());
                count++;
            }
        } catch (IOException e) {
            try {
                out.flush();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        out.flush();
        return count;
    }

    /**
     * An over-long line on standard input, told in terms of the FIFO it was meant for, with the
     * way out; other errors unchanged.
     */
    static IOException explain(IOException e, Path fifo, boolean exclusive) {
        if (e instanceof MessageTooLargeException t && StdChannels.STDIN.equals(t.path())) {
            return new FifoException(fifo, "the line at byte offset " + t.offset()
                    + " of standard input is longer than the maximum payload of " + t.limit() + " bytes"
                    + (exclusive ? " (--max-payload)" : " (PIPE_BUF - 16, so that each message is one atomic"
                    + " write); --exclusive allows more when this is the FIFO's only writer"));
        }
        return e;
    }
}
