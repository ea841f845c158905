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
 *   <li>A header that cannot be right (negative length, or over PIPE_BUF - 16) is skipped one
 *       byte at a time until a plausible header starts, so garbage in front of a request does
 *       not swallow it.</li>
 * </ul>
 * Each run of discarded bytes is reported once through the log. Decoding itself is the
 * {@link MessageReader}'s; this class only decides where to start it again.
 */
final class RequestReader {
    /** Receives each well-formed frame, in order. */
    interface FrameSink {
        void frame(Message m) throws IOException, InterruptedException;
    }

    private final Inbox inbox;
    private final MessageOptions options;
    private final Path path;
    private final ServerLog log;

    RequestReader(Inbox inbox, int maxPayload, Path path, ServerLog log) {
        this.inbox = inbox;
        this.options = MessageOptions.defaults().maxPayload(maxPayload).name(path);
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
                    if (garbageStart >= 0) {
                        discarded(garbageStart, frameStart - garbageStart, "not a mesg frame");
                        garbageStart = -1;
                    }
                    frameStart += ServerProtocol.HEADER_BYTES + m.payload().length;
                    inbox.commit(frameStart);
                    sink.frame(m);
                }
                inbox.commitAll();
                if (garbageStart >= 0) {
                    discarded(garbageStart, inbox.position() - garbageStart, "not a mesg frame");
                }
                return;
            } catch (TruncatedMessageException e) {
                long from = garbageStart >= 0 ? garbageStart : frameStart;
                discarded(from, inbox.position() - from,
                        "a partial frame with nothing more in the pipe (a request must be one write)");
                inbox.commitAll();
                return;
            } catch (CorruptFrameException | MessageTooLargeException e) {
                if (garbageStart < 0) {
                    garbageStart = frameStart;
                }
                inbox.rewind(frameStart + 1);
                inbox.commit(frameStart + 1);
            }
        }
    }

    private void discarded(long offset, long bytes, String why) {
        if (bytes <= 0) {
            return;
        }
        log.garbage(bytes);
        log.line(path + ": discarded " + bytes + " byte" + (bytes == 1 ? "" : "s") + " at offset " + offset + ": " + why);
    }
}
