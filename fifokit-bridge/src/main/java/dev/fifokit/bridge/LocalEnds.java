package dev.fifokit.bridge;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.FifoException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.StandardStreams;
import dev.fifokit.messages.CorruptFrameException;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageTooLargeException;
import dev.fifokit.messages.TruncatedMessageException;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The bridge's local ends: a FIFO or standard input as the source, a FIFO or standard output as
 * the sink, for messages and for raw bytes. Standard streams speak {@code line} framing in the
 * message formats, as the other fifokit commands do.
 */
final class LocalEnds {
    private LocalEnds() {}

    static final Path STDIN = StandardStreams.INPUT_NAME;
    static final Path STDOUT = StandardStreams.OUTPUT_NAME;

    /** Whole messages, in order; safe for several threads (each message goes to one caller). */
    interface MessageSource extends Closeable {
        /** The next message, or null when the source has ended. */
        Message next() throws IOException;

        /** True when {@link #next()} would not block (a whole message is buffered). */
        boolean ready();

        int maxPayload();

        @Override
        void close();
    }

    /** Writes messages; safe for several threads. */
    interface MessageSink extends Closeable {
        /** Writes one message as one write(2), re-opening the FIFO (waiting for a reader) when its reader has gone. */
        void deliver(long type, byte[] payload) throws IOException;

        /** The largest payload {@link #deliver} writes whole. */
        int maxPayload() throws IOException;

        /** A session ended cleanly: close the FIFO end so its reader sees end of file, reopening it for more. */
        void release();

        @Override
        void close();
    }

    /** Bytes; safe for several threads. */
    interface RawSource extends Closeable {
        /** Reads up to {@code len} bytes; -1 at the end. */
        int read(byte[] b, int off, int len) throws IOException;

        @Override
        void close();
    }

    interface RawSink extends Closeable {
        void write(byte[] b, int off, int len) throws IOException;

        void flush() throws IOException;

        /** A peer's stream ended cleanly (see {@link MessageSink#release()}). */
        void release();

        @Override
        void close();
    }

    // ---- sources ----

    static MessageSource messageSource(BridgeAddress a, Framing framing, MessageOptions options, boolean follow,
                                       Consumer<String> log) {
        if (a instanceof BridgeAddress.Fifo f) {
            return new FifoMessageSource(f.path(), framing, options, follow, log);
        }
        return new StdinMessageSource(options);
    }

    static RawSource rawSource(BridgeAddress a, boolean follow) {
        if (a instanceof BridgeAddress.Fifo f) {
            return new FifoRawSource(f.path(), follow);
        }
        FileInputStream in = new FileInputStream(FileDescriptor.in);
        return new RawSource() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len);
            }

            @Override
            public void close() {
                // descriptor 0 stays the JVM's
            }
        };
    }

    /** A FIFO reader opened without waiting, so {@link #close()} can end every wait. */
    private abstract static class FifoSourceBase implements Closeable {
        final Path path;
        final boolean follow;
        final ReentrantLock lock = new ReentrantLock();
        volatile FifoReader end;
        volatile boolean closed;
        boolean ended;

        FifoSourceBase(Path path, boolean follow) {
            this.path = path;
            this.follow = follow;
        }

        FifoReader end() throws IOException {
            FifoReader e = end;
            if (e == null) {
                if (closed) {
                    throw new dev.fifokit.FifoClosedException(path, "the bridge is closed");
                }
                e = FifoReader.open(path, ReaderOptions.defaults().awaitWriter(false));
                end = e;
                if (closed) {
                    e.close();
                }
            }
            return e;
        }

        /** At end of stream: true to read on (the next writer came), false when the source ends. */
        boolean nextWriter() throws IOException {
            if (!follow) {
                ended = true;
                return false;
            }
            end().awaitNextWriter(null);
            return true;
        }

        @Override
        public void close() {
            closed = true;
            FifoReader e = end;
            if (e != null) {
                try {
                    e.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    private static final class FifoMessageSource extends FifoSourceBase implements MessageSource {
        private final Framing framing;
        private final MessageOptions options;
        private final Consumer<String> log;
        private MessageReader reader;
        private int max = -1;

        FifoMessageSource(Path path, Framing framing, MessageOptions options, boolean follow, Consumer<String> log) {
            super(path, follow);
            this.framing = framing;
            this.options = options;
            this.log = log;
        }

        private MessageReader reader() throws IOException {
            if (reader == null) {
                reader = MessageReader.of(end(), framing, options);
            }
            return reader;
        }

        @Override
        public Message next() throws IOException {
            lock.lock();
            try {
                while (!ended) {
                    Message m;
                    try {
                        m = reader().receive();
                    } catch (CorruptFrameException e) {
                        // a writer broke the framing: what is buffered cannot be trusted
                        log.accept(e.getMessage() + "; dropped " + reader.discardBuffered() + " buffered bytes");
                        continue;
                    } catch (TruncatedMessageException | MessageTooLargeException e) {
                        // the reader already skipped the bad message; the next one is whole
                        log.accept(e.getMessage() + "; skipped");
                        continue;
                    }
                    if (m != null) {
                        return m;
                    }
                    if (!nextWriter()) {
                        return null;
                    }
                }
                return null;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean ready() {
            MessageReader r = reader;
            return r != null && r.ready();
        }

        @Override
        public int maxPayload() {
            if (max < 0) {
                try {
                    // without the FIFO open, the default is PIPE_BUF - 16 of the FIFO's file system
                    max = options.maxPayload() >= 0 ? options.maxPayload()
                            : (int) Math.max(0, dev.fifokit.Limits.pipeBuf(path) - 16);
                } catch (FifoException e) {
                    max = (int) Math.max(0, dev.fifokit.Limits.read().pipeBuf() - 16);
                }
            }
            return max;
        }
    }

    private static final class FifoRawSource extends FifoSourceBase implements RawSource {
        FifoRawSource(Path path, boolean follow) {
            super(path, follow);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                while (!ended) {
                    int n = end().read(b, off, len);
                    if (n >= 0) {
                        return n;
                    }
                    if (!nextWriter()) {
                        return -1;
                    }
                }
                return -1;
            } finally {
                lock.unlock();
            }
        }
    }

    private static final class StdinMessageSource implements MessageSource {
        private final MessageReader reader;

        StdinMessageSource(MessageOptions options) {
            try {
                reader = MessageReader.of(StandardStreams.input(), Framing.LINE, options.name(STDIN).acceptUnterminatedLine());
            } catch (FifoException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Message next() throws IOException {
            return reader.receive();
        }

        @Override
        public boolean ready() {
            return reader.ready();
        }

        @Override
        public int maxPayload() {
            return reader.maxPayload();
        }

        @Override
        public void close() {
            // descriptor 0 stays the JVM's
        }
    }

    // ---- sinks ----

    static MessageSink messageSink(BridgeAddress a, Framing framing, MessageOptions options) {
        if (a instanceof BridgeAddress.Fifo f) {
            return new FifoMessageSink(f.path(), framing, options);
        }
        return new StdoutMessageSink(options);
    }

    static RawSink rawSink(BridgeAddress a) {
        if (a instanceof BridgeAddress.Fifo f) {
            return new FifoRawSink(f.path());
        }
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        return new RawSink() {
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
    private abstract static class FifoSinkBase implements Closeable {
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
                    throw new dev.fifokit.FifoClosedException(path, "the bridge is closed");
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
                throw new dev.fifokit.FifoClosedException(path, "the bridge is closed");
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

    private static final class FifoMessageSink extends FifoSinkBase implements MessageSink {
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
            return (int) Math.max(0, dev.fifokit.Limits.pipeBuf(path) - 16);
        }
    }

    private static final class FifoRawSink extends FifoSinkBase implements RawSink {
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

    private static final class StdoutMessageSink implements MessageSink {
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

    /**
     * Moves raw bytes between two local ends with the core's transfer methods (splice(2): no
     * copy through Java) when one end is a FIFO: FIFO to FIFO, FIFO to standard output,
     * standard input to FIFO. Returns -1 when neither end is a FIFO (the caller copies).
     */
    static long spliceLocal(RawSource source, RawSink sink) throws IOException {
        final long chunk = 1L << 22;
        long total = 0;
        if (source instanceof FifoRawSource in) {
            while (true) {
                FifoReader r = in.end();
                long n;
                if (sink instanceof FifoRawSink out) {
                    do {
                        n = r.transferTo(out.end(), chunk);
                        total += n;
                    } while (n == chunk);
                } else {
                    do {
                        n = r.transferToDescriptor(1, chunk);
                        total += n;
                    } while (n == chunk);
                }
                if (!in.nextWriter()) {
                    return total;
                }
            }
        }
        if (sink instanceof FifoRawSink out) {
            long n;
            do {
                n = out.end().transferFromDescriptor(0, chunk);
                total += n;
            } while (n == chunk);
            return total;
        }
        return -1;
    }
}
