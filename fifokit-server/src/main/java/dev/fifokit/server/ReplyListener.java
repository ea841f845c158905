package dev.fifokit.server;

import java.io.IOException;

/** Receives the data parts of a reply as they arrive ({@link FifoClient#request(byte[], ReplyListener)}). */
@FunctionalInterface
public interface ReplyListener {
    /**
     * One data frame's payload, in order; may be called many times for one reply.
     *
     * @param data the payload of one data frame, the listener's own array; may be empty
     * @throws IOException the listener's own failure; it stops the request and reaches the
     *                     caller of {@link FifoClient#request(byte[], ReplyListener)}
     */
    void part(byte[] data) throws IOException;
}
