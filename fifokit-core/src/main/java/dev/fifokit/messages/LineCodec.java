package dev.fifokit.messages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.fifokit.messages.FrameInput.EOF;
import static dev.fifokit.messages.FrameInput.OK;

/**
 * {@link Framing#LINE}: one {@code '\n'}-terminated line per message. A backslash in the payload
 * is written as {@code \\} and a newline as {@code \n}; every other byte as it is. When reading,
 * a backslash before anything else stands for itself, so plain text reads unchanged. A line has
 * no type: it reads as {@link Framing#LINE_TYPE}.
 */
final class LineCodec implements FrameCodec {
    static final byte NEWLINE = '\n';
    static final byte BACKSLASH = '\\';

    @Override
    public long frameLength(byte[] payload, int off, int len) {
        return escapedLength(payload, off, len) + 1;
    }

    @Override
    public void encode(long type, byte[] payload, int off, int len, byte[] out, int at) {
        int w = (int) escape(payload, off, off + len, out, at, out.length);
        out[at + w] = NEWLINE;
    }

    @Override
    public void encodeLarge(long type, byte[] payload, int off, int len, Pieces out) throws IOException {
        byte[] buf = out.buffer();
        int i = off;
        int end = off + len;
        while (i < end) {
            long r = escape(payload, i, end, buf, 0, buf.length);
            i += (int) (r >>> 32);
            out.write((int) r);
        }
        buf[0] = NEWLINE;
        out.write(1);
    }

    @Override
    public int fixedHeader() {
        return -1;
    }

    @Override
    public void putHeader(byte[] out, int at, long type, int len) {
        throw new UnsupportedOperationException("a line has no fixed header");
    }

    @Override
    public Decoder decoder(FrameInput in, MessageOptions options) {
        return new LineDecoder(in, options.isAcceptUnterminatedLine());
    }

    /** Bytes {@code payload[off, off+len)} take in a line, without the terminating newline. */
    static long escapedLength(byte[] payload, int off, int len) {
        long n = len;
        for (int i = off, end = off + len; i < end; i++) {
            byte b = payload[i];
            if (b == NEWLINE || b == BACKSLASH) {
                n++;
            }
        }
        return n;
    }

    /**
     * Escapes {@code payload[from, to)} into {@code out} starting at {@code at}, stopping before
     * {@code outEnd}; an escape pair is never split. Returns {@code (consumed << 32) | written}.
     */
    static long escape(byte[] payload, int from, int to, byte[] out, int at, int outEnd) {
        int i = from;
        int o = at;
        while (i < to) {
            byte b = payload[i];
            if (b == NEWLINE || b == BACKSLASH) {
                if (o + 2 > outEnd) {
                    break;
                }
                out[o++] = BACKSLASH;
                out[o++] = b == NEWLINE ? (byte) 'n' : BACKSLASH;
            } else {
                if (o + 1 > outEnd) {
                    break;
                }
                out[o++] = b;
            }
            i++;
        }
        return ((long) (i - from) << 32) | (o - at);
    }

    /** Decodes each line into an array of its own (it grows up to the maximum payload). */
    private static final class LineDecoder implements Decoder {
        private final FrameInput in;
        private final int maxPayload;
        private final boolean acceptUnterminated;
        private byte[] line = new byte[0];
        private ByteBuffer lineView;
        private int lineLength;
        /** A decoded line waits in {@link #line} to be taken. */
        private boolean lineReady;
        /** The rest of an over-long line is to be dropped. */
        private boolean skipping;

        LineDecoder(FrameInput in, boolean acceptUnterminated) {
            this.in = in;
            this.maxPayload = in.maxPayload;
            this.acceptUnterminated = acceptUnterminated;
        }

        @Override
        public boolean begin() throws IOException {
            if (lineReady) {
                return true;
            }
            if (skipping && !skipRestOfLine()) {
                return false;
            }
            lineReady = nextLine();
            return lineReady;
        }

        @Override
        public long type() {
            return Framing.LINE_TYPE;
        }

        @Override
        public int length() {
            return lineLength;
        }

        @Override
        public void take(ByteBuffer dst) {
            dst.put(line, 0, lineLength);
            lineReady = false;
        }

        @Override
        public ByteBuffer takeView() {
            lineReady = false;
            if (lineView == null || lineView.array() != line) {
                lineView = ByteBuffer.wrap(line).order(ByteOrder.nativeOrder());
            }
            lineView.limit(lineLength).position(0);
            return lineView;
        }

        @Override
        public boolean beginBuffered() throws IOException {
            int nl = skipping ? -1 : in.indexOf(NEWLINE, in.start, in.end);
            // a line that may decode to more than the maximum is left for the next begin to throw
            if (nl < 0 || nl - in.start > maxPayload) {
                return false;
            }
            return begin();
        }

        @Override
        public boolean ready() {
            return lineReady || in.indexOf(NEWLINE, in.start, in.end) >= 0;
        }

        @Override
        public int held() {
            return lineReady ? lineLength : 0;
        }

        @Override
        public void reset() {
            lineReady = false;
            skipping = false;
        }

        /** Decodes the next line into {@code line[0, lineLength)}; false at a clean end. */
        private boolean nextLine() throws IOException {
            FrameInput in = this.in;
            lineLength = 0;
            long lineStart = in.offset();
            long raw = 0;
            boolean escape = false;
            while (true) {
                byte[] buf = in.buf;
                int i = in.start;
                int end = in.end;
                while (i < end) {
                    byte b = buf[i];
                    if (escape) {
                        escape = false;
                        if (b == 'n' || b == BACKSLASH) {
                            if (!append(b == 'n' ? NEWLINE : BACKSLASH)) {
                                throw tooLong(i, lineStart);
                            }
                            i++;
                            continue;
                        }
                        if (!append(BACKSLASH)) { // a lone backslash stands for itself
                            throw tooLong(i, lineStart);
                        }
                    }
                    if (b == NEWLINE) {
                        in.start = i + 1;
                        return true;
                    }
                    if (b == BACKSLASH) {
                        escape = true;
                    } else if (!append(b)) {
                        throw tooLong(i, lineStart);
                    }
                    i++;
                }
                raw += in.end - in.start;
                in.start = in.end;
                int st = in.fill(1, raw > 0 || escape);
                if (st == OK) {
                    continue;
                }
                if (raw == 0 && st == EOF) {
                    return false;
                }
                if (st == EOF && acceptUnterminated) {
                    if (escape && !append(BACKSLASH)) {
                        throw tooLong(in.start, lineStart);
                    }
                    return true;
                }
                throw new TruncatedMessageException(in.name, lineStart, raw,
                        FrameInput.cause(st) + " inside a line of " + raw + " bytes (no newline)",
                        Arrays.copyOf(line, Math.min(lineLength, MessageReader.PARTIAL_KEPT)));
            }
        }

        private boolean append(byte b) {
            if (lineLength == line.length) {
                if (lineLength >= maxPayload) {
                    return false;
                }
                int grown = (int) Math.min(maxPayload, Math.max(64L, 2L * line.length));
                line = Arrays.copyOf(line, grown);
            }
            line[lineLength++] = b;
            return true;
        }

        private MessageTooLargeException tooLong(int at, long lineStart) {
            in.start = at;
            skipping = true;
            return new MessageTooLargeException(in.name, (long) lineLength + 1, maxPayload, lineStart,
                    "a line at byte offset " + lineStart + " is longer than the maximum payload of "
                            + maxPayload + " bytes (the rest of the line is skipped)");
        }

        /** After an over-long line: drops bytes up to and including its newline; false at end of stream. */
        private boolean skipRestOfLine() throws IOException {
            while (true) {
                int nl = in.indexOf(NEWLINE, in.start, in.end);
                if (nl >= 0) {
                    in.start = nl + 1;
                    skipping = false;
                    return true;
                }
                in.start = in.end;
                int st = in.fill(1);
                if (st != OK) {
                    skipping = false;
                    return st != EOF;
                }
            }
        }
    }
}
