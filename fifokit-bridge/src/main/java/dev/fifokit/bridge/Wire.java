package dev.fifokit.bridge;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bridge's wire protocol for {@code mesg} and {@code line} (specified byte for byte in
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/bridge.md">docs/bridge.md</a>).
 * Every integer is big-endian (network order).
 *
 * <pre>
 * HELLO (28 bytes, each side once; the connector first, the listener answers with its HELLO or an ERROR)
 *   "FKB1" | version u8 = 1 | role u8 (1 sends data, 2 receives) | format u8 (1 mesg, 2 line) | flags u8 = 0
 *   | instance: 16 random bytes naming the bridge process | max payload u32
 * then frames, each a kind byte and its body:
 *   DATA  1 | seq u64 | mesg_type i64 | length u32 | payload      (sender to receiver)
 *   ACK   2 | seq u64   every message up to seq was written to the FIFO (receiver to sender;
 *                       the receiver's first ACK, right after the HELLOs, is the resume point)
 *   FIN   3 | seq u64   the sender's source ended after message seq (sender to receiver)
 *   ERROR 4 | length u16 | UTF-8 text   the sender of it refuses the session and closes
 * </pre>
 */
final class Wire {
    private Wire() {}

    static final byte[] MAGIC = {'F', 'K', 'B', '1'};
    static final int VERSION = 1;
    static final int ROLE_SENDER = 1;
    static final int ROLE_RECEIVER = 2;
    static final byte DATA = 1;
    static final byte ACK = 2;
    static final byte FIN = 3;
    static final byte ERROR = 4;
    /** No payload longer than this crosses the link, whatever a header says (16 MiB). */
    static final int MAX_WIRE_PAYLOAD = 16 << 20;

    record Hello(int role, BridgeFormat format, byte[] instance, int maxPayload) {
        String instanceHex() {
            return java.util.HexFormat.of().formatHex(instance);
        }
    }

    static void writeHello(OutputStream os, Hello h) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.write(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(h.role);
        out.writeByte(h.format == BridgeFormat.MESG ? 1 : 2);
        out.writeByte(0);
        out.write(h.instance);
        out.writeInt(h.maxPayload);
        out.flush();
    }

    /**
     * Reads the peer's HELLO (or its ERROR).
     *
     * @throws BridgeException fatal: not a bridge, another version, or the peer's ERROR text
     */
    static Hello readHello(InputStream is, String peer) throws IOException {
        DataInputStream in = new DataInputStream(is);
        int first = in.read();
        if (first < 0) {
            throw new EOFException(peer + ": closed the connection during the handshake");
        }
        if (first == ERROR) {
            throw new BridgeException(peer + ": refused: " + readErrorText(in), null, true);
        }
        byte[] magic = new byte[4];
        magic[0] = (byte) first;
        in.readFully(magic, 1, 3);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new BridgeException(peer + ": not a fifokit bridge (bad handshake; "
                    + "is one side raw and the other mesg/line, or TLS on one side only?)", null, true);
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new BridgeException(peer + ": speaks bridge protocol version " + version + ", this side " + VERSION,
                    null, true);
        }
        int role = in.readUnsignedByte();
        int format = in.readUnsignedByte();
        in.readUnsignedByte();
        byte[] instance = new byte[16];
        in.readFully(instance);
        int max = in.readInt();
        if (role != ROLE_SENDER && role != ROLE_RECEIVER || format != 1 && format != 2) {
            throw new BridgeException(peer + ": bad handshake (role " + role + ", format " + format + ")", null, true);
        }
        return new Hello(role, format == 1 ? BridgeFormat.MESG : BridgeFormat.LINE, instance, max);
    }

    static void writeError(OutputStream os, String text) {
        try {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(b.length, 1000);
            DataOutputStream out = new DataOutputStream(os);
            out.writeByte(ERROR);
            out.writeShort(n);
            out.write(b, 0, n);
            out.flush();
        } catch (IOException ignored) {
            // the peer may already be gone; it is refused either way
        }
    }

    private static String readErrorText(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
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

    /** One frame read from the link. */
    record Frame(byte kind, long seq, long type, byte[] payload) {}

    /**
     * Reads the next frame.
     *
     * @throws EOFException the peer closed the link
     * @throws BridgeException a frame this side does not understand, an ERROR, or a payload
     *         over {@code maxPayload} (nothing is allocated for it)
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
                    throw new BridgeException(peer + ": message " + seq + " of " + Integer.toUnsignedString(len)
                            + " bytes is over this side's maximum of " + maxPayload, null, true);
                }
                byte[] payload = new byte[len];
                in.readFully(payload);
                return new Frame(DATA, seq, type, payload);
            }
            case ACK, FIN -> {
                return new Frame((byte) kind, in.readLong(), 0, null);
            }
            case ERROR -> throw new BridgeException(peer + ": refused: " + readErrorText(in), null, true);
            default -> throw new BridgeException(peer + ": bad frame kind " + kind, null, true);
        }
    }
}
