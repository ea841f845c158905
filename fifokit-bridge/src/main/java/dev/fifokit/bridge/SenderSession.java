package dev.fifokit.bridge;

/**
 * What a sending side keeps for one far side across its links: the replay buffer of the
 * messages it took from the {@link Outbox} and has not seen acknowledged, and the wake-up of
 * the thread that sends them.
 */
final class SenderSession extends Sessions.Session {
    final ReplayBuffer buffer;
    final Wakeup wakeup = new Wakeup();
    private final Outbox outbox;

    SenderSession(byte[] instance, byte[] key, byte[] certificate, BridgeOptions options, Outbox outbox) {
        super(instance, key, certificate);
        this.buffer = new ReplayBuffer(options.replayMessages(), options.replayBytes(), wakeup::wake);
        this.outbox = outbox;
    }

    /** The far side will not come back for them: its unacknowledged messages go to whoever asks next. */
    void giveBack() {
        outbox.giveBack(buffer.takeFrom(0));
    }

    @Override
    int idleRank() {
        if (connected()) {
            return 0;
        }
        return buffer.messages() == 0 ? 2 : 1;
    }

    @Override
    void evicted() {
        giveBack();
    }
}
