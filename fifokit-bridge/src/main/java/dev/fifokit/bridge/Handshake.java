package dev.fifokit.bridge;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.util.Arrays;

/**
 * The handshake of {@code mesg} and {@code line} links, both sides of it: HELLOs (roles,
 * formats, payload sizes, instances, a fresh X25519 key each), the connector's PROOF that it
 * holds the session it resumes ({@link SessionKeys}), and the listener's WELCOME or ERROR.
 * Everything here runs inside the caller's {@link Deadline}.
 *
 * <pre>
 * connector                          listener
 *   HELLO  ------------------------>
 *          <------------------------  HELLO (flags: HELD) | ERROR (mismatch)
 *   PROOF  ------------------------>
 *          <------------------------  WELCOME (resumed?) | ERROR (busy, not yours)
 * </pre>
 */
final class Handshake {
    private Handshake() {}

    /**
     * What a connector remembers of the listener it last talked to: its instance and the key of
     * the session there. Used by the connector's one dialling thread only.
     */
    static final class Memory {
        private byte[] listener;
        private byte[] key;

        boolean holds(byte[] listenerInstance) {
            return listener != null && Arrays.equals(listener, listenerInstance);
        }
    }

    /** The connector's result: the listener's HELLO and whether it resumed this side's session. */
    record Dialled(Wire.Hello peer, boolean resumed) {}

    /** The listener's result before it claims the session: the connector's HELLO and the proven key. */
    record Proven(Wire.Hello peer, byte[] key, boolean held) {}

    /** How a listener finds the key of a session it holds for a connector's instance (null: none). */
    interface Held {
        byte[] keyOf(byte[] instance);
    }

    /**
     * The connector's side.
     *
     * @param mine this side's HELLO (flags and key are filled in here)
     * @throws Refusal the listener refused (the code says whether to retry), or the two sides
     *         cannot work together, or the listener spoke something else
     */
    static Dialled dial(Link link, Wire.Hello mine, Memory memory) throws IOException {
        KeyPair pair = SessionKeys.ephemeral();
        Wire.Hello me = mine.with(0, SessionKeys.publicBytes(pair));
        Wire.writeHello(link.out(), me);
        Wire.Hello peer = Wire.readHello(link.in(), link.name());
        String mismatch = mismatch(me, peer);
        if (mismatch != null) {
            throw new Refusal(Refusal.MISMATCH, link + ": " + mismatch);
        }
        byte[] fresh = SessionKeys.sessionKey(pair.getPrivate(), peer.key(), me, peer, link.name());
        boolean resuming = (peer.flags() & Wire.HELD) != 0 && memory.holds(peer.instance());
        byte[] key = resuming ? memory.key : fresh;
        DataOutputStream out = new DataOutputStream(link.out());
        Wire.writeProof(out, SessionKeys.proof(key, me, peer));
        out.flush();
        Wire.Frame f = Wire.readFrame(new DataInputStream(link.in()), link.name(), 0);
        if (f.kind() != Wire.WELCOME) {
            throw Refusal.protocol(link + ": expected the listener's welcome, got frame kind " + f.kind());
        }
        memory.listener = peer.instance();
        memory.key = key;
        return new Dialled(peer, (f.seq() & Wire.RESUMED) != 0);
    }

    /**
     * The listener's side up to the proof; then the caller claims the session and sends
     * {@link #welcome} or {@link #refuse}.
     *
     * @param mine this side's HELLO (flags and key are filled in here)
     * @throws Refusal the connector cannot work with this side (an ERROR was sent), did not
     *         prove the session it claims (an ERROR was sent), or spoke something else
     */
    static Proven accept(Link link, Wire.Hello mine, Held sessions) throws IOException {
        Wire.Hello peer = Wire.readHello(link.in(), link.name());
        String mismatch = mismatch(mine, peer);
        if (mismatch != null) {
            Refusal r = new Refusal(Refusal.MISMATCH, link + ": " + mismatch);
            refuse(link, r, mismatch);
            throw r;
        }
        byte[] held = sessions.keyOf(peer.instance());
        KeyPair pair = SessionKeys.ephemeral();
        Wire.Hello me = mine.with(held != null ? Wire.HELD : 0, SessionKeys.publicBytes(pair));
        Wire.writeHello(link.out(), me);
        Wire.Frame f = Wire.readFrame(new DataInputStream(link.in()), link.name(), 0);
        if (f.kind() != Wire.PROOF) {
            throw Refusal.protocol(link + ": expected the connector's proof, got frame kind " + f.kind());
        }
        byte[] key = held != null ? held : SessionKeys.sessionKey(pair.getPrivate(), peer.key(), peer, me, link.name());
        if (!SessionKeys.same(SessionKeys.proof(key, peer, me), f.payload())) {
            Refusal r = held != null
                    ? new Refusal(Refusal.NOT_YOURS, link + ": claims the session of instance " + peer.instanceHex()
                    + " without its key; refused")
                    : Refusal.protocol(link + ": bad proof in the handshake");
            refuse(link, r, held != null ? "that session is not yours" : "bad proof");
            throw r;
        }
        return new Proven(peer, key, held != null);
    }

    /** The listener took the session on: the connector may start. */
    static void welcome(Link link, boolean resumed) throws IOException {
        DataOutputStream out = new DataOutputStream(link.out());
        Wire.writeWelcome(out, resumed);
        out.flush();
    }

    /** Sends {@code r}'s code with {@code text} as an ERROR frame (the far side reads it as its refusal). */
    static void refuse(Link link, Refusal r, String text) {
        Wire.writeError(link.out(), r.code(), text);
    }

    /** Why the two sides cannot work together, or null when they can. */
    static String mismatch(Wire.Hello mine, Wire.Hello peer) {
        if (mine.role() == peer.role()) {
            return mine.role() == Wire.ROLE_SENDER ? "both sides send data (each reads a FIFO); one must write a FIFO"
                    : "both sides receive data (each writes a FIFO); one must read a FIFO";
        }
        Wire.Hello sender = mine.role() == Wire.ROLE_SENDER ? mine : peer;
        Wire.Hello receiver = mine.role() == Wire.ROLE_SENDER ? peer : mine;
        if (mine.format() != peer.format()) {
            return "the sending side carries --format " + sender.format() + ", the receiving side --format "
                    + receiver.format();
        }
        if (Integer.toUnsignedLong(sender.maxPayload()) > Integer.toUnsignedLong(receiver.maxPayload())) {
            return "the sending side reads messages up to " + Integer.toUnsignedString(sender.maxPayload())
                    + " bytes, the receiving side writes them whole only up to "
                    + Integer.toUnsignedString(receiver.maxPayload())
                    + " (give both the same --max-payload, or the receiver --exclusive)";
        }
        return null;
    }
}
