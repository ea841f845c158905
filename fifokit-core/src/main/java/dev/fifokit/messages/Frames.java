package dev.fifokit.messages;

import dev.fifokit.FifoException;
import dev.fifokit.Limits;
import dev.fifokit.ends.FifoEnd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.Channel;
import java.nio.file.Path;

/** Wire constants and helpers shared by the writer and the reader. */
final class Frames {
    private Frames() {}

    /** {@code sizeof(long mesg_len) + sizeof(long mesg_type)}. */
    static final int HEADER = 16;

    /** A native-endian 64-bit integer inside a byte array, as the C struct lays it out. */
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    static final byte NEWLINE = '\n';
    static final byte BACKSLASH = '\\';

    /** PIPE_BUF of the channel's pipe when it is a fifokit end, else of this system. */
    static long pipeBuf(Channel channel) throws FifoException {
        if (channel instanceof FifoEnd e) {
            return e.pipeBuf();
        }
        return SystemPipeBuf.VALUE;
    }

    /** The path errors name: the end's own, else the one given in the options (may be null). */
    static Path name(Channel channel, MessageOptions options) {
        if (channel instanceof FifoEnd e && e.path() != null) {
            return e.path();
        }
        return options.name();
    }

    static void putLong(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }

    static long getLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
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

    private static final class SystemPipeBuf {
        static final long VALUE = read();

        private static long read() {
            try {
                long r = Limits.pipeBuf(Path.of("/"));
                return r > 0 ? r : Limits.PIPE_BUF_POSIX_MIN;
            } catch (FifoException e) {
                return Limits.PIPE_BUF_POSIX_MIN;
            }
        }
    }
}
