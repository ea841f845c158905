package dev.fifokit.server;

import java.io.IOException;

/** Receives the data parts of a reply as they arrive ({@link FifoClient#request(byte[], ReplyListener)}). */
@FunctionalInterface
public interface ReplyListener {
    /** One data frame's payload, in order; may be called many times for one reply. */
    void part(byte[] data) throws IOException;
}
