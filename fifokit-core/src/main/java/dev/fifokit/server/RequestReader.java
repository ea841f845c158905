package dev.fifokit.server;

import dev.fifokit.messages.CorruptFrameException;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageTooLargeException;
import dev.fifokit.messages.TruncatedMessageException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Cuts {@code server.fifo}'s bytes into {@code mesg} frames, surviving garbage (SPEC §12):
 * <ul>
 *   <li>A frame still incomplete when nothing more is queued in the pipe is dropped at once
 *       (every real request is one atomic write, so it cannot be a request still arriving).</li>
 *   <li>A frame at a frame boundary whose type is not a client id is skipped whole.</li>
 *   <li>A header that cannot be right (negative length, or over PIPE_BUF - 16), or a frame
 *       cut short, is skipped one byte at a time until a whole frame whose type is a client id
 *       starts, so garbage in
 *       front of a request does not swallow it. A run of garbage over {@value #MAX_SCAN} bytes
 *       is dropped whole with everything queued with it (bounded work).</li>
 * </ul>
 * A request can still be lost when garbage that looks like the start of a frame arrives just
 * before it and the two together make a whole frame; garbage can never stall the server.
 * Each run of discarded bytes is reported once through the log. Decoding itself is the
 * {@link MessageReader}'s; this class only decides where to start it again.
 */
final class RequestReader {
    /** Garbage runs longer than this are dropped whole instead of searched byte by byte. */
    static final int MAX_SCAN = 16 * 1024;
    private static final String PARTIAL =
            "garbage or a partial frame with nothing more in the pipe (a request must be one write of a whole frame)";

    /** Receives each well-formed frame, in order. */
    interface FrameSink {
        /** True when {@code m} can be a request (its type a client id); decides nothing else. */
        boolean plausible(Message m);

        /** Handles a plausible frame. */
        void frame(Message m) throws IOException, InterruptedException;
    }

    private final Inbox inbox;
    private final MessageOptions options;
    private final Path path;
    private final ServerLog log;

    RequestReader(Inbox inbox, int maxPayload, Path path, ServerLog log) {
        this.inbox = inbox;
        // one read takes at most one largest frame: a reader per burst stays cheap
        this.options = MessageOptions.defaults().maxPayload(maxPayload).bufferBytes(maxPayload + ServerProtocol.HEADER_BYTES)
                .name(path);
        this.path = path;
        this.log = log;
    }

    /** True when bytes are waiting, read or still in the pipe. */
    boolean pending() throws IOException {
        return inbox.hasBuffered() || inbox.queued() > 0;
    }

    /**
     * Waits until bytes arrive (unless some are already waiting), then hands every frame
     * queued at that moment to {@code sink}. Returns when the pipe is empty.
     */
    void readBurst(FrameSink sink) throws IOException, InterruptedException {
        if (!inbox.hasBuffered()) {
            inbox.fillBlocking();
        }
        long garbageStart = -1;
        while (true) {
            long frameStart = inbox.position();
            MessageReader reader = MessageReader.of(inbox, Framing.MESG, options);
            try {
                Message m;
                while ((m = reader.receive()) != null) {
                    boolean plausible = sink.plausible(m);
                    if (!plausible && garbageStart >= 0) {
                        throw new NotARequest();
                    }
                    if (garbageStart >= 0) {
                        discarded(garbageStart, frameStart - garbageStart, "not a mesg frame");
                        garbageStart = -1;
                    }
                    frameStart += ServerProtocol.HEADER_BYTES + m.payload().length;
                    inbox.commit(frameStart);
                    if (plausible) {
                        sink.frame(m);
                    } else {
                        log.line(path + ": discarded a " + m.payload().length + "-byte frame of type " + m.type()
                                + ": a request's type must be a client id (the client's pid)");
                        log.invalidFrames.incrementAndGet();
                    }
                }
                inbox.commitAll();
                if (garbageStart >= 0) {
                    discarded(garbageStart, frameStart - garbageStart, PARTIAL);
                }
                return;
            } catch (TruncatedMessageException | CorruptFrameException | MessageTooLargeException | NotARequest e) {
                // Not a frame here (or one cut short: garbage, since requests are atomic writes).
                // A real request may still start at a later byte: look there, one byte on.
                if (garbageStart < 0) {
                    garbageStart = frameStart;
                }
                long next = frameStart + 1;
                boolean exhausted = e instanceof TruncatedMessageException
                        && inbox.end() - next < ServerProtocol.HEADER_BYTES;
                if (exhausted || next - garbageStart > MAX_SCAN) {
                    inbox.discardAll();
                    discarded(garbageStart, inbox.end() - garbageStart, PARTIAL);
                    return;
                }
                inbox.rewind(next);
                inbox.commit(next);
            }
        }
    }

    /** While looking for the next frame: a well-formed frame that is no request is more garbage. */
    private static final class NotARequest extends Exception {
        private static final long serialVersionUID = 1L;

        NotARequest() {
            super(null, null, false, false);
        }
    }

    private void discarded(long offset, long bytes, String why) {
        if (bytes <= 0) {
            return;
        }
        log.line(path + ": discarded " + bytes + " byte" + (bytes == 1 ? "" : "s") + " at offset " + offset + ": " + why);
        log.garbage(bytes);
    }
}
