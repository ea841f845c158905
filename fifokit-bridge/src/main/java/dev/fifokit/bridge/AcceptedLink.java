package dev.fifokit.bridge;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection a listener accepted: TLS and the handshake within the deadline, the claim of
 * the client's session (resumed only with the key, and the certificate, that opened it; refused
 * as busy when the table is full), then the session's sending or receiving until it ends or the
 * link fails. Whatever happens is logged with the client's address; only a failure of the local
 * end ends the listener.
 */
final class AcceptedLink {
    private final FifoBridge bridge;
    private final Link link;
    private final Runnable handshakeSlot;
    private final AtomicBoolean slotGiven = new AtomicBoolean();

    /** {@code handshakeSlot} is run once, when the handshake ends either way. */
    AcceptedLink(FifoBridge bridge, Link link, Runnable handshakeSlot) {
        this.bridge = bridge;
        this.link = link;
        this.handshakeSlot = handshakeSlot;
    }

    void run() {
        Deadline deadline = Deadline.start(bridge.options.handshakeTimeout());
        deadline.guard(link);
        try {
            link.startTls();
            if (bridge.options.format() == BridgeFormat.RAW) {
                established(deadline, false);
                raw();
                return;
            }
            Handshake.Held held = bridge.sending != null ? bridge.sending.sessions::keyOf : bridge.receiving.sessions::keyOf;
            Handshake.Proven p = Handshake.accept(link, bridge.hello(), held);
            byte[] certificate = SessionKeys.certificateBinding(link.peerCertificate());
            if (bridge.stopping) {
                throw refuse(new Refusal(Refusal.BUSY, link + ": refused: the bridge is stopping"), "the bridge is stopping");
            }
            if (bridge.sending != null) {
                send(p, certificate, deadline);
            } else {
                receive(p, certificate, deadline);
            }
        } catch (LocalFailure e) {
            if (!bridge.closed) {
                bridge.finish(e.getCause());
            }
        } catch (IOException e) {
            if (!bridge.closed) {
                bridge.log.accept(deadline.expired() && !slotGiven.get()
                        ? link + ": did not complete the handshake within " + bridge.options.handshakeTimeout().toMillis()
                        + " ms; closed"
                        : Endpoints.describe(link.name(), e));
            }
        } finally {
            deadline.close();
            giveSlot();
        }
    }

    private void send(Handshake.Proven p, byte[] certificate, Deadline deadline) throws IOException {
        Sending sending = bridge.sending;
        byte[] instance = p.peer().instance();
        Sessions.Claim<SenderSession> c = claim(sending.sessions, instance, p.key(), certificate,
                () -> sending.open(instance, p.key(), certificate));
        SenderSession s = c.session();
        boolean over = false;
        try {
            Handshake.welcome(link, c.resumed());
            Sender.Ending e = new Sender(link, s, sending.outbox, () -> sending.nothingMoreFor(s), bridge.counters)
                    .run(() -> established(deadline, c.resumed()));
            if (e == Sender.Ending.LEFT) {
                s.giveBack(); // it acknowledged everything it wrote: the rest was never written
            }
            over = true;
            sending.retire(s);
            bridge.log.accept(link + (e == Sender.Ending.LEFT ? ": left" : ": done, everything acknowledged"));
        } finally {
            s.detach(link);
            if (!over) {
                sending.linkDropped(s);
            }
        }
    }

    private void receive(Handshake.Proven p, byte[] certificate, Deadline deadline) throws IOException {
        Receiving receiving = bridge.receiving;
        byte[] instance = p.peer().instance();
        Sessions.Claim<ReceiverSession> c = claim(receiving.sessions, instance, p.key(), certificate,
                () -> new ReceiverSession(instance, p.key(), certificate));
        ReceiverSession s = c.session();
        try {
            Handshake.welcome(link, c.resumed());
            Receiver r = new Receiver(link, s, bridge.messageSink, bridge.counters);
            receiving.started(r);
            boolean finished = false;
            try {
                finished = r.run(() -> established(deadline, c.resumed())) == Sender.Ending.COMPLETE;
            } finally {
                receiving.ended(r, finished);
            }
            bridge.log.accept(link + (finished ? ": done, its source ended" : ": left"));
        } finally {
            s.detach(link);
        }
    }

    private <S extends Sessions.Session> Sessions.Claim<S> claim(Sessions<S> sessions, byte[] instance, byte[] key,
                                                                 byte[] certificate, java.util.function.Supplier<S> open)
            throws Refusal {
        Sessions.Claim<S> c;
        try {
            c = sessions.claim(instance, key, certificate, open, link);
        } catch (Refusal r) {
            throw refuse(r, r.isBusy() ? "busy: this listener keeps as many sessions as it may; try again later"
                    : "that session is not yours");
        }
        if (c.replaced() != null) {
            c.replaced().close(); // the client's earlier link, dead or about to be
        }
        return c;
    }

    private Refusal refuse(Refusal r, String text) {
        Handshake.refuse(link, r, text);
        return r;
    }

    private void raw() throws IOException {
        if (bridge.rawSource != null) {
            RawCopy.send(bridge.rawSource, link, bridge.counters);
            return;
        }
        bridge.receiving.started(null);
        boolean finished = false;
        try {
            RawCopy.receive(link, bridge.rawSink, bridge.counters);
            finished = true;
        } finally {
            bridge.receiving.ended(null, finished);
        }
    }

    private void established(Deadline deadline, boolean resumed) {
        deadline.close();
        giveSlot();
        bridge.counters.connections.incrementAndGet();
        bridge.log.accept(link + ": connected" + (resumed ? " (session resumed)" : ""));
        if (bridge.sending != null) {
            bridge.sending.sourceNeeded();
        }
    }

    private void giveSlot() {
        if (slotGiven.compareAndSet(false, true)) {
            handshakeSlot.run();
        }
    }
}
