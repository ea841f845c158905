package dev.fifokit.bridge;

/**
 * Counters of a running {@link FifoBridge}, for monitoring and tests.
 *
 * @param messagesSent       data frames written to links (replays included)
 * @param messagesReplayed   data frames written again after a reconnect
 * @param messagesDelivered  messages written to the local sink
 * @param duplicatesDropped  data frames the far side had already delivered, dropped here
 * @param bytesCopied        raw mode: bytes moved
 * @param connections        links established (handshake done)
 * @param bufferedMessages   messages read from the source and not yet acknowledged, now
 * @param bufferedBytes      their payload bytes
 * @param peakBufferedBytes  the most payload bytes held at once since start
 */
public record BridgeStats(long messagesSent, long messagesReplayed, long messagesDelivered, long duplicatesDropped,
                          long bytesCopied, long connections, int bufferedMessages, long bufferedBytes,
                          long peakBufferedBytes) {
}
