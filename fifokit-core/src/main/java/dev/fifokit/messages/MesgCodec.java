package dev.fifokit.messages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.fifokit.messages.FrameInput.OK;

/**
 * {@link Framing#MESG}: {@code struct mymesg}, a 16-byte header of two native-endian 64-bit
 * integers, {@code mesg_len} then {@code mesg_type}, followed by {@code mesg_len} payload bytes.
 */
final class MesgCodec implements FrameCodec {
    /** {@code sizeof(long mesg_len) + sizeof(long mesg_type)}. */
    static final int HEADER = 16;

    @Override
    public long frameLength(byte[] payload, int off, int len) {
        return HEADER + (long) len;
    }

    @Override
    public void encode(long type, byte[] payload, int off, int len, byte[] out, int at) {
        putHeader(out, at, type, len);
        System.arraycopy(payload, off, out, at + HEADER, len);
    }

    @Override
    public void encodeLarge(long type, byte[] payload, int off, int len, Pieces out) throws IOException {
        byte[] buf = out.buffer();
        putHeader(buf, 0, type, len);
        int first = Math.min(len, buf.length - HEADER);
        System.arraycopy(payload, off, buf, HEADER, first);
        out.write(HEADER + first);
        out.writeDirect(payload, off + first, len - first);
    }

    @Override
    public int fixedHeader() {
        return HEADER;
    }

    @Override
    public void putHeader(byte[] out, int at, long type, int len) {
        Frames.putLong(out, at, len);
        Frames.putLong(out, at + 8, type);
    }

    @Override
    public Decoder decoder(FrameInput in, MessageOptions options) {
        return new MesgDecoder(in);
    }

    /** Walks the headers in the input buffer; payloads are handed out as views of it. */
    private static final class MesgDecoder implements Decoder {
        private final FrameInput in;
        private final byte[] buf;
        private final int maxPayload;
        /** The payload view {@link #takeView()} hands out. */
        private final ByteBuffer view;
        private int length;
        private long type;

        MesgDecoder(FrameInput in) {
            this.in = in;
            this.buf = in.buf;
            this.maxPayload = in.maxPayload;
            this.view = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        }

        /** Buffers and checks the next header, leaving it unconsumed. */
        @Override
        public boolean begin() throws IOException {
            FrameInput in = this.in;
            int st = in.fill(HEADER);
            if (st != OK) {
                int have = in.end - in.start;
                if (have == 0 && st == FrameInput.EOF) {
                    return false;
                }
                throw in.truncated(in.offset(), have, st, "after " + have + " of the " + HEADER + " header bytes");
            }
            long len = Frames.getLong(buf, in.start);
            if (len < 0) {
                throw new CorruptFrameException(in.name, in.offset(), "negative length " + len, badHeader());
            }
            if (len > maxPayload) {
                throw new CorruptFrameException(in.name, in.offset(), "length " + len
                        + " is over the maximum payload of " + maxPayload + " bytes", badHeader());
            }
            length = (int) len;
            type = Frames.getLong(buf, in.start + 8);
            return true;
        }

        @Override
        public long type() {
            return type;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void take(ByteBuffer dst) throws IOException {
            FrameInput in = this.in;
            int len = length;
            long frameStart = in.offset();
            if (HEADER + len <= buf.length) {
                whole(frameStart, len);
                dst.put(buf, in.start + HEADER, len);
                in.start += HEADER + len;
                return;
            }
            // bigger than the buffer (a large maximum): read the rest straight into the destination
            int position = dst.position();
            in.start += HEADER;
            int have = Math.min(in.end - in.start, len);
            dst.put(buf, in.start, have);
            in.start += have;
            int limit = dst.limit();
            dst.limit(position + len);
            try {
                while (dst.hasRemaining()) {
                    int st = in.readDirect(dst);
                    if (st != OK) {
                        int got = dst.position() - position;
                        dst.position(position);
                        throw new TruncatedMessageException(in.name, frameStart, HEADER + got,
                                FrameInput.cause(st) + " after " + got + " of " + len + " payload bytes");
                    }
                }
            } finally {
                dst.limit(limit);
            }
        }

        @Override
        public ByteBuffer takeView() throws IOException {
            FrameInput in = this.in;
            int len = length;
            if (HEADER + len > buf.length) {
                byte[] payload = new byte[len];
                take(ByteBuffer.wrap(payload));
                return ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder());
            }
            if (in.end - in.start < HEADER + len) { // not yet whole (never after beginBuffered)
                whole(in.offset(), len);
            }
            int at = in.start + HEADER;
            int next = at + len;
            in.start = next;
            view.limit(next).position(at);
            return view;
        }

        @Override
        public boolean beginBuffered() {
            FrameInput in = this.in;
            int have = in.end - in.start;
            if (have < HEADER) {
                return false;
            }
            long len = Frames.getLong(buf, in.start);
            if (len < 0 || len > maxPayload || have - HEADER < len) {
                return false; // a bad header throws on the next begin; a partial frame waits for it
            }
            length = (int) len;
            type = Frames.getLong(buf, in.start + 8);
            return true;
        }

        @Override
        public boolean ready() {
            int have = in.end - in.start;
            if (have < HEADER) {
                return false;
            }
            long len = Frames.getLong(buf, in.start);
            return len < 0 || len > maxPayload || have >= HEADER + len;
        }

        @Override
        public int held() {
            return 0;
        }

        @Override
        public void reset() {
        }

        /** Makes the begun frame (which fits in the buffer) whole in it. */
        private void whole(long frameStart, int len) throws IOException {
            int st = in.fill(HEADER + len);
            if (st != OK) {
                int have = in.end - in.start;
                throw in.truncated(frameStart, have, st, "after " + (have - HEADER) + " of " + len + " payload bytes");
            }
        }

        /** The first bytes of a bad header and what follows it in the buffer, for the error. */
        private byte[] badHeader() {
            return java.util.Arrays.copyOfRange(buf, in.start, in.start + Math.min(in.end - in.start, 64));
        }
    }
}
