package dev.fifokit.bridge;

import java.io.IOException;

/**
 * One attempt of a connector: dial within the handshake's deadline, do the handshake, then send
 * (the connector's one session) or receive until the session ends or the link fails.
 */
final class DialledLink {
    private final FifoBridge bridge;
    private final Endpoints.Dialler dialler;
    private final String far;
    private final Handshake.Memory memory;
    private final ReceiverSession state;
    private volatile boolean established;

    DialledLink(FifoBridge bridge, Endpoints.Dialler dialler, String far, Handshake.Memory memory,
                ReceiverSession state) {
        this.bridge = bridge;
        this.dialler = dialler;
        this.far = far;
        this.memory = memory;
        this.state = state;
    }

    /** {@return true once the handshake completed (the backoff starts over)} */
    boolean established() {
        return established;
    }

    /**
     * Runs the attempt.
     *
     * @return true when the session is over and the bridge ends; false when the bridge was closed
     * @throws LocalFailure the sink failed
     * @throws IOException the link failed or was refused (the caller decides whether to dial again)
     */
    boolean run() throws IOException {
        Link link = null;
        Deadline deadline = Deadline.start(bridge.options.handshakeTimeout());
        try {
            link = dialler.connect(bridge.ssl, deadline);
            deadline.guard(link);
            if (!bridge.track(link)) {
                return false;
            }
            if (bridge.options.format() == BridgeFormat.RAW) {
                established(deadline);
                if (bridge.rawSource != null) {
                    RawCopy.send(bridge.rawSource, link, bridge.counters);
                } else {
                    RawCopy.receive(link, bridge.rawSink, bridge.counters);
                }
                return true;
            }
            Handshake.Dialled d = Handshake.dial(link, bridge.hello(), memory);
            if (bridge.sending != null) {
                Sending s = bridge.sending;
                Sender.Ending e = new Sender(link, s.connectorSession, s.outbox, s.outbox::exhausted, bridge.counters)
                        .run(() -> established(deadline));
                // LEFT: the receiving side went away for good; its successor gets the rest
                return e == Sender.Ending.COMPLETE;
            }
            if (!d.resumed()) {
                state.lastDelivered = 0; // a new session on the far side: its numbers start afresh
            }
            Receiver r = new Receiver(link, state, bridge.messageSink, bridge.counters);
            bridge.receiving.started(r);
            boolean finished = false;
            try {
                finished = r.run(() -> established(deadline)) == Sender.Ending.COMPLETE;
            } finally {
                bridge.receiving.ended(r, finished);
            }
            return true; // the far side's source ended, or this side left (a graceful stop)
        } catch (IOException e) {
            if (deadline.expired() && !established) {
                throw new BridgeException(far + ": the handshake did not complete within "
                        + bridge.options.handshakeTimeout().toMillis() + " ms", e);
            }
            throw e;
        } finally {
            deadline.close();
            if (link != null) {
                bridge.untrack(link);
            }
        }
    }

    private void established(Deadline deadline) {
        deadline.close();
        established = true;
        bridge.counters.connections.incrementAndGet();
        bridge.log.accept(far + ": connected");
        if (bridge.sending != null) {
            bridge.sending.sourceNeeded();
        }
    }
}
