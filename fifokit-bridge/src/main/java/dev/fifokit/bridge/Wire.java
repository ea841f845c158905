package dev.fifokit.bridge;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The bridge's wire protocol for {@code mesg} and {@code line}, byte for byte (the same layout
 * is in <a href="https://github.com/fifokit/fifokit/blob/main/docs/bridge.md">docs/bridge.md</a>).
 * Every integer is big-endian (network order).
 *
 * <pre>
 * HELLO (60 bytes, each side once; the connector first, the listener answers with its HELLO or an ERROR)
 *   "FKB1" | version u8 = 2 | role u8 (1 sends data, 2 receives) | format u8 (1 mesg, 2 line)
 *   | flags u8 (listener: 1 = it holds a session for the connector's instance)
 *   | instance: 16 random bytes naming the bridge process | max payload u32 | key: 32 bytes (X25519)
 * then frames, each a kind byte and its body:
 *   DATA    1 | seq u64 | mesg_type i64 | length u32 | payload      (sender to receiver)
 *   ACK     2 | seq u64   every message up to seq was written to the FIFO (receiver to sender;
 *                         the receiver's first frame after WELCOME is the resume point)
 *   FIN     3 | seq u64   the sender's source ended after message seq (sender to receiver)
 *   ERROR   4 | code u8 | length u16 | UTF-8 text   the sender of it refuses and closes
 *   PROOF   5 | mac: 32 bytes   connector to listener, after the HELLOs
 *   WELCOME 6 | flags u8 (1 = the session was resumed)   listener to connector, after PROOF
 *   BYE     7   a receiver that leaves for good: keep nothing for it (receiver to sender)
 * </pre>
 */
final class Wire {
    private Wire() {}

    static final byte[] MAGIC = {'F', 'K', 'B', '1'};
    static final int VERSION = 2;
    static final int ROLE_SENDER = 1;
    static final int ROLE_RECEIVER = 2;
    static final byte DATA = 1;
    static final byte ACK = 2;
    static final byte FIN = 3;
    static final byte ERROR = 4;
    static final byte PROOF = 5;
    static final byte WELCOME = 6;
    static final byte BYE = 7;
    /** HELLO flag of a listener that holds a session for the connector's instance. */
    static final int HELD = 1;
    /** WELCOME flag: the session existed and goes on. */
    static final int RESUMED = 1;
    static final int KEY_BYTES = 32;
    static final int MAC_BYTES = 32;
    /** No payload longer than this crosses the link, whatever a header says (16 MiB). */
    static final int MAX_WIRE_PAYLOAD = 16 << 20;

    /** One side's HELLO. */
    record Hello(int role, BridgeFormat format, byte[] instance, int maxPayload, int flags, byte[] key) {
        String instanceHex() {
            return HexFormat.of().formatHex(instance);
        }

        Hello with(int newFlags, byte[] newKey) {
            return new Hello(role, format, instance, maxPayload, newFlags, newKey);
        }
    }

    static void writeHello(OutputStream os, Hello h) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.write(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(h.role);
        out.writeByte(h.format == BridgeFormat.MESG ? 1 : 2);
        out.writeByte(h.flags);
        out.write(h.instance);
        out.writeInt(h.maxPayload);
        out.write(h.key);
        out.flush();
    }

    /**
     * Reads the peer's HELLO (or its ERROR).
     *
     * @throws Refusal the peer's ERROR, or not a bridge, or another version (fatal)
     */
    static Hello readHello(InputStream is, String peer) throws IOException {
        DataInputStream in = new DataInputStream(is);
        int first = in.read();
        if (first < 0) {
            throw new EOFException(peer + ": closed the connection during the handshake");
        }
        if (first == ERROR) {
            throw readError(in, peer);
        }
        byte[] magic = new byte[4];
        magic[0] = (byte) first;
        in.readFully(magic, 1, 3);
        if (!Arrays.equals(magic, MAGIC)) {
            throw Refusal.protocol(peer + ": not a fifokit bridge (bad handshake; "
                    + "is one side raw and the other mesg/line, or TLS on one side only?)");
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw Refusal.protocol(peer + ": speaks bridge protocol version " + version + ", this side " + VERSION);
        }
        int role = in.readUnsignedByte();
        int format = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        byte[] instance = new byte[16];
        in.readFully(instance);
        int max = in.readInt();
        byte[] key = new byte[KEY_BYTES];
        in.readFully(key);
        if (role != ROLE_SENDER && role != ROLE_RECEIVER || format != 1 && format != 2) {
            throw Refusal.protocol(peer + ": bad handshake (role " + role + ", format " + format + ")");
        }
        return new Hello(role, format == 1 ? BridgeFormat.MESG : BridgeFormat.LINE, instance, max, flags, key);
    }

    /** Writes an ERROR frame and flushes; a peer that is already gone is refused all the same. */
    static void writeError(OutputStream os, int code, String text) {
        try {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(b.length, 1000);
            DataOutputStream out = new DataOutputStream(os);
            out.writeByte(ERROR);
            out.writeByte(code);
            out.writeShort(n);
            out.write(b, 0, n);
            out.flush();
        } catch (IOException ignored) {
            // the peer may already be gone; it is refused either way
        }
    }

    private static Refusal readError(DataInputStream in, String peer) throws IOException {
        int code = in.readUnsignedByte();
        int n = in.readUnsignedShort();
        byte[] b = new byte[n];
        in.readFully(b);
        return new Refusal(code, peer + ": refused: " + new String(b, StandardCharsets.UTF_8));
    }

    static void writeData(DataOutputStream out, long seq, long type, byte[] payload) throws IOException {
        out.writeByte(DATA);
        out.writeLong(seq);
        out.writeLong(type);
        out.writeInt(payload.length);
        out.write(payload);
    }

    static void writeSeq(DataOutputStream out, byte kind, long seq) throws IOException {
        out.writeByte(kind);
        out.writeLong(seq);
    }

    static void writeProof(DataOutputStream out, byte[] mac) throws IOException {
        out.writeByte(PROOF);
        out.write(mac);
    }

    static void writeWelcome(DataOutputStream out, boolean resumed) throws IOException {
        out.writeByte(WELCOME);
        out.writeByte(resumed ? RESUMED : 0);
    }

    static void writeBye(DataOutputStream out) throws IOException {
        out.writeByte(BYE);
    }

    /**
     * One frame read from the link: {@code seq} is the sequence number (DATA, ACK, FIN) or the
     * flags (WELCOME); {@code payload} the message (DATA) or the mac (PROOF).
     */
    record Frame(byte kind, long seq, long type, byte[] payload) {}

    /**
     * Reads the next frame.
     *
     * @throws EOFException the peer closed the link
     * @throws Refusal the peer's ERROR; a frame kind this side does not know; a payload over
     *         {@code maxPayload} (nothing is allocated for it)
     */
    static Frame readFrame(DataInputStream in, String peer, int maxPayload) throws IOException {
        int kind = in.read();
        if (kind < 0) {
            throw new EOFException(peer + ": closed the connection");
        }
        switch (kind) {
            case DATA -> {
                long seq = in.readLong();
                long type = in.readLong();
                int len = in.readInt();
                if (len < 0 || len > maxPayload || len > MAX_WIRE_PAYLOAD) {
                    throw Refusal.protocol(peer + ": message " + seq + " of " + Integer.toUnsignedString(len)
                            + " bytes is over this side's maximum of " + maxPayload);
                }
                byte[] payload = new byte[len];
                in.readFully(payload);
                return new Frame(DATA, seq, type, payload);
            }
            case ACK, FIN -> {
                return new Frame((byte) kind, in.readLong(), 0, null);
            }
            case PROOF -> {
                byte[] mac = new byte[MAC_BYTES];
                in.readFully(mac);
                return new Frame(PROOF, 0, 0, mac);
            }
            case WELCOME -> {
                return new Frame(WELCOME, in.readUnsignedByte(), 0, null);
            }
            case BYE -> {
                return new Frame(BYE, 0, 0, null);
            }
            case ERROR -> throw readError(in, peer);
            default -> throw Refusal.protocol(peer + ": bad frame kind " + kind);
        }
    }
}
