package dev.fifokit.ends;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/** Unbuffered stream views of an end; every call is one read or write of the end. */
final class EndStreams {
    private EndStreams() {}

    static final class In extends InputStream {
        private final FifoReader end;
        private final byte[] one = new byte[1];

        In(FifoReader end) {
            this.end = end;
        }

        /**
         * Blocks until a byte is there, as {@link InputStream#read()} must, even on a
         * non-blocking end: an empty pipe is waited for (cancellably), never spun on.
         */
        @Override
        public int read() throws IOException {
            int n;
            while ((n = end.read(one, 0, 1)) == 0) {
                end.awaitReadable();
            }
            return n < 0 ? -1 : Byte.toUnsignedInt(one[0]);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            return end.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return end.available();
        }

        @Override
        public void close() throws IOException {
            end.close();
        }
    }

    static final class Out extends OutputStream {
        private final FifoWriter end;

        Out(FifoWriter end) {
            this.end = end;
        }

        @Override
        public void write(int b) throws IOException {
            end.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            end.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            end.close();
        }
    }
}
