package dev.fifokit.server;

/**
 * Counters of a running or stopped {@link FifoServer}, for tests and monitoring.
 *
 * @param received       well-formed requests read from {@code server.fifo}
 * @param answered       replies written completely (success or error), end marker included
 * @param errorReplies   of those, error replies (handler failed, rejected or past its deadline)
 * @param dropped        requests that got no complete reply: no usable reply FIFO (absent,
 *                       not a FIFO, a symlink, nobody reading it) or the client stopped reading
 * @param garbageBytes   bytes discarded from {@code server.fifo} as garbage or partial frames
 * @param invalidFrames  well-formed frames that were not requests (type not a client id)
 * @param abandoned      handlers still running past their deadline when the server gave up on them
 */
public record ServerStats(long received, long answered, long errorReplies, long dropped,
                          long garbageBytes, long invalidFrames, long abandoned) {
}
