package dev.fifokit.bridge;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoException;
import dev.fifokit.Limits;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.StandardStreams;
import dev.fifokit.messages.CorruptFrameException;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageTooLargeException;
import dev.fifokit.messages.MessageWriter;
import dev.fifokit.messages.TruncatedMessageException;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The bridge's local sinks: a FIFO (opened at the first message, waiting for a reader; a
 * message whose reader went away is written again to the next reader) or standard output, for
 * messages and raw bytes.
 */
final class LocalSinks {
    private LocalSinks() {}

    static LocalEnds.RawSink stdoutRaw() {
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        return new LocalEnds.RawSink() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void flush() {
                // unbuffered
            }

            @Override
            public void release() {
                // standard output stays open
            }

            @Override
            public void close() {
                // descriptor 1 stays the JVM's
            }
        };
    }

    /** Opens the FIFO for writing on first use (waiting for a reader); closed on release. */
    abstract static class FifoSinkBase implements Closeable {
        final Path path;
        final ReentrantLock lock = new ReentrantLock();
        FifoWriter end;
        volatile boolean closed;

        FifoSinkBase(Path path) {
            this.path = path;
        }

        FifoWriter end() throws IOException {
            if (end == null) {
                if (closed) {
                    throw new FifoClosedException(path, "the bridge is closed");
                }
                end = FifoWriter.open(path);
                opened(end);
            }
            return end;
        }

        void opened(FifoWriter w) throws IOException {
        }

        /**
         * The reader went away: waits for the next reader with a new end before closing the old
         * one, so the FIFO stays open meanwhile and what the old reader left unread in the pipe
         * is still there for the next one.
         */
        void reopen() throws IOException {
            FifoWriter old = end;
            if (closed) {
                throw new FifoClosedException(path, "the bridge is closed");
            }
            FifoWriter fresh = FifoWriter.open(path);
            end = fresh;
            if (old != null) {
                try {
                    old.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
            opened(fresh);
            if (closed) {
                fresh.close();
            }
        }

        void drop() {
            FifoWriter e = end;
            end = null;
            dropped();
            if (e != null) {
                try {
                    e.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }

        void dropped() {
        }

        public void release() {
            lock.lock();
            try {
                drop();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            closed = true;
            // closing from another thread ends a write blocked on a full pipe
            FifoWriter e = end;
            if (e != null) {
                try {
                    e.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    static final class FifoMessageSink extends FifoSinkBase implements LocalEnds.MessageSink {
        private final Framing framing;
        private final MessageOptions options;
        private MessageWriter writer;

        FifoMessageSink(Path path, Framing framing, MessageOptions options) {
            super(path);
            this.framing = framing;
            this.options = options;
        }

        @Override
        void opened(FifoWriter w) throws IOException {
            writer = MessageWriter.of(w, framing, options);
        }

        @Override
        void dropped() {
            writer = null;
        }

        @Override
        public void deliver(long type, byte[] payload) throws IOException {
            lock.lock();
            try {
                while (true) {
                    end();
                    try {
                        writer.send(type, payload);
                        return;
                    } catch (BrokenPipeException e) {
                        // the message was one write(2) and EPIPE means none of it went in:
                        // wait for the next reader and write it again
                        if (e.bytesWritten() > 0) {
                            throw e;
                        }
                        reopen();
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int maxPayload() throws IOException {
            if (options.maxPayload() >= 0) {
                return options.maxPayload();
            }
            if (options.isExclusiveWriter()) {
                return Wire.MAX_WIRE_PAYLOAD;
            }
            return (int) Math.max(0, Limits.pipeBuf(path) - 16);
        }
    }

    static final class FifoRawSink extends FifoSinkBase implements LocalEnds.RawSink {
        FifoRawSink(Path path) {
            super(path);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                int done = 0;
                while (done < len) {
                    try {
                        end().write(b, off + done, len - done);
                        return;
                    } catch (BrokenPipeException e) {
                        done += (int) e.bytesWritten();
                        reopen();
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void flush() {
            // a FIFO end is unbuffered
        }
    }

    static final class StdoutMessageSink implements LocalEnds.MessageSink {
        private final MessageWriter writer;
        private final int max;

        StdoutMessageSink(MessageOptions options) {
            try {
                writer = MessageWriter.of(StandardStreams.output(), Framing.LINE, MessageOptions.defaults().exclusiveWriter());
            } catch (FifoException e) {
                throw new IllegalStateException(e);
            }
            max = options.maxPayload() >= 0 ? options.maxPayload() : Wire.MAX_WIRE_PAYLOAD;
        }

        @Override
        public void deliver(long type, byte[] payload) throws IOException {
            writer.send(type, payload);
        }

        @Override
        public int maxPayload() {
            return max;
        }

        @Override
        public void release() {
            // standard output stays open
        }

        @Override
        public void close() {
            // descriptor 1 stays the JVM's
        }
    }
}
