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
 * The bridge's local sources: a FIFO (opened without waiting for a writer, following the next
 * writer with {@code follow}, skipping a corrupt frame through {@link FrameResync}) or standard
 * input, as whole messages or raw bytes. Standard input speaks {@code line} framing in the
 * message formats, as the other fifokit commands do.
 */
final class LocalSources {
    private LocalSources() {}

    static LocalEnds.RawSource stdinRaw() {
        FileInputStream in = new FileInputStream(FileDescriptor.in);
        return new LocalEnds.RawSource() {
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
    abstract static class FifoSourceBase implements Closeable {
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
                    throw new FifoClosedException(path, "the bridge is closed");
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

    static final class FifoMessageSource extends FifoSourceBase implements LocalEnds.MessageSource {
        private final Framing framing;
        private final MessageOptions options;
        private final Consumer<String> log;
        private MessageReader reader;
        private FrameResync resync;
        private int max = -1;

        FifoMessageSource(Path path, Framing framing, MessageOptions options, boolean follow, Consumer<String> log) {
            super(path, follow);
            this.framing = framing;
            this.options = options;
            this.log = log;
        }

        private MessageReader reader() throws IOException {
            if (reader == null) {
                resync = new FrameResync(end(), options.bufferBytes());
                reader = MessageReader.of(resync, framing, options.name(path).maxPayload(maxPayload()));
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
                        // a writer broke the framing: skip to the next plausible frame, so the
                        // bad frame costs only itself and not the messages read after it
                        int skipped = resync.skipCorrupt(reader.buffered(), reader.maxPayload());
                        reader.discardBuffered();
                        log.accept(e.getMessage() + "; skipped " + skipped + " bytes to the next frame");
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
        public int buffered() {
            MessageReader r = reader;
            return r == null ? 0 : r.buffered();
        }

        @Override
        public String toString() {
            return "fifo:" + path;
        }

        @Override
        public int maxPayload() {
            if (max < 0) {
                try {
                    // without the FIFO open, the default is PIPE_BUF - 16 of the FIFO's file system
                    max = options.maxPayload() >= 0 ? options.maxPayload()
                            : (int) Math.max(0, Limits.pipeBuf(path) - 16);
                } catch (FifoException e) {
                    max = (int) Math.max(0, Limits.read().pipeBuf() - 16);
                }
            }
            return max;
        }
    }

    static final class FifoRawSource extends FifoSourceBase implements LocalEnds.RawSource {
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

    static final class StdinMessageSource implements LocalEnds.MessageSource {
        private final MessageReader reader;

        StdinMessageSource(MessageOptions options) {
            try {
                reader = MessageReader.of(StandardStreams.input(), Framing.LINE, options.name(LocalEnds.STDIN).acceptUnterminatedLine());
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
        public int buffered() {
            return reader.buffered();
        }

        @Override
        public String toString() {
            return "standard input";
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
}
