package dev.fifokit.messages;

import dev.fifokit.FifoException;
import dev.fifokit.Limits;
import dev.fifokit.ends.FifoEnd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.Channel;
import java.nio.file.Path;

/** Helpers every framing and both the writer and the reader share. */
final class Frames {
    private Frames() {}

    /** A native-endian 64-bit integer inside a byte array, as the C struct lays it out. */
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

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
