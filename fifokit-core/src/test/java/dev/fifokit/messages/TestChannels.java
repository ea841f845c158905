package dev.fifokit.messages;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/** In-memory channels for framing tests: short reads on demand, and a record of every write call. */
final class TestChannels {
    private TestChannels() {}

    /** Reads {@code data}, at most {@code chunk} bytes per read (the short reads of a pipe). */
    static final class Chunked implements ReadableByteChannel {
        private final byte[] data;
        private final int chunk;
        private int pos;
        private boolean open = true;

        Chunked(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(chunk, dst.remaining()), data.length - pos);
            dst.put(data, pos, n);
            pos += n;
            return n;
        }

        int position() {
            return pos;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** Records each write call separately. */
    static final class Recording implements WritableByteChannel {
        final List<byte[]> writes = new ArrayList<>();
        private boolean open = true;

        @Override
        public int write(ByteBuffer src) {
            byte[] b = new byte[src.remaining()];
            src.get(b);
            writes.add(b);
            return b.length;
        }

        byte[] all() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writes.forEach(out::writeBytes);
            return out.toByteArray();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
