package dev.fifokit.bridge;

import java.util.concurrent.locks.ReentrantLock;

/**
 * What a receiving side keeps for one sending far side: the last sequence number written to
 * the sink, so that a message sent again after a reconnect is written once. One link at a time
 * writes for it ({@link #lock}).
 */
final class ReceiverSession extends Sessions.Session {
    final ReentrantLock lock = new ReentrantLock();
    /** The last sequence number written to the sink; 0 before the first. Written under {@link #lock}. */
    volatile long lastDelivered;
    /** The sender said its source ended and everything was written. */
    volatile boolean finished;

    ReceiverSession(byte[] instance, byte[] key, byte[] certificate) {
        super(instance, key, certificate);
    }

    @Override
    int idleRank() {
        if (connected() || lock.isLocked()) {
            return 0;
        }
        return finished || lastDelivered == 0 ? 2 : 1;
    }
}
