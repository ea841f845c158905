package dev.fifokit.server;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;

/** Hand-made frames and misbehaving clients for fault tests. */
final class RawClient {
    private RawClient() {}

    /** A mesg frame with any header, even a lying one. */
    static byte[] frame(long len, long type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder());
        b.putLong(len).putLong(type).put(payload);
        return b.array();
    }

    static byte[] frame(long type, byte[] payload) {
        return frame(payload.length, type, payload);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /** Writes {@code bytes} into server.fifo with one write(2) (when at most PIPE_BUF). */
    static void writeRaw(Path dir, byte[] bytes) throws IOException {
        try (FifoWriter w = FifoWriter.open(ServerProtocol.serverFifo(dir), WriterOptions.defaults().failIfNoReader())) {
            w.write(bytes);
        }
    }

    /** Opens an existing reply FIFO for reading without waiting for the server. */
    static FifoReader openReply(Path fifo) throws IOException {
        return FifoReader.open(fifo, ReaderOptions.defaults().awaitWriter(false));
    }
}
