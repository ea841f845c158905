package dev.fifokit.cli;

import dev.fifokit.FifoException;
import dev.fifokit.ends.StandardStreams;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import dev.fifokit.messages.MessageTooLargeException;
import dev.fifokit.messages.CorruptFrameException;
import dev.fifokit.messages.TruncatedMessageException;

import java.io.IOException;
import java.io.PrintStream;
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
     * Copies as {@link #copy} does, but a bad message from one writer (a truncated last frame or
     * line, a corrupt header, an over-long line) does not end the copy: it is reported on
     * {@code log} with what arrived of it, the bad bytes are dropped, and copying goes on. For
     * readers that serve many writers ({@code echo-server}, {@code cat --follow}).
     *
     * @return messages copied
     */
    static long copyReporting(MessageReader in, MessageWriter out, Long type, Progress meter, PrintStream log)
            throws IOException {
        long count = 0;
        while (true) {
            try {
                count += copy(in, out, type, meter);
                return count;
            } catch (TruncatedMessageException e) {
                log.println("fifokit: " + e.getMessage() + "; received: " + shown(e.partial(), e.received()));
            } catch (CorruptFrameException e) {
                int dropped = in.discardBuffered();
                log.println("fifokit: " + e.getMessage() + "; received: " + shown(e.received(), -1)
                        + "; dropped the " + dropped + " bytes read with it");
            } catch (MessageTooLargeException e) {
                log.println("fifokit: " + e.getMessage() + "; skipped that line");
            }
            log.flush();
        }
    }

    /**
     * Bytes as one line for a log: printable ASCII as is, a backslash as {@code \\}, anything
     * else as {@code \xNN}, in double quotes; cut at 200 bytes with the total said.
     */
    static String shown(byte[] bytes, long total) {
        StringBuilder b = new StringBuilder("\"");
        int n = Math.min(bytes.length, 200);
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            if (c == '\\' || c == '"') {
                b.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        b.append('"');
        long all = Math.max(total, bytes.length);
        if (all > n) {
            b.append(" (first ").append(n).append(" of ").append(all).append(" bytes)");
        }
        return b.toString();
    }

    /**
     * An over-long line on standard input, told in terms of the FIFO it was meant for, with the
     * way out; other errors unchanged.
     */
    static IOException explain(IOException e, Path fifo, boolean exclusive) {
        if (e instanceof MessageTooLargeException t && StandardStreams.INPUT_NAME.equals(t.path())) {
            return new FifoException(fifo, "the line at byte offset " + t.offset()
                    + " of standard input is longer than the maximum payload of " + t.limit() + " bytes"
                    + (exclusive ? " (--max-payload)" : " (PIPE_BUF - 16, so that each message is one atomic"
                    + " write); --exclusive allows more when this is the FIFO's only writer"));
        }
        return e;
    }
}
