package dev.fifokit.messages;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives messages from {@link MessageReader#receiveAll(MessageHandler)} without a copy.
 *
 * <p>{@code payload} is a view of the reader's own buffer: its position is the payload's first
 * byte, its limit the byte after the last, its order native. It is valid only during the call
 * and the same object is handed out again for the next message; copy what must outlive the
 * call. The handler must not call back into the reader it is handed messages by.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * One message. An exception thrown here stops the delivery and passes to the caller of
     * {@code receiveAll}; this message counts as received, the ones after it stay buffered.
     *
     * @param type    the message type ({@code mesg_type}); {@link Framing#LINE_TYPE} for a line
     * @param payload the payload, a view of the reader's buffer valid only during this call
     * @throws IOException the handler's own failure; it stops the delivery and reaches the
     *                     caller of {@code receiveAll}
     */
    void onMessage(long type, ByteBuffer payload) throws IOException;
}
