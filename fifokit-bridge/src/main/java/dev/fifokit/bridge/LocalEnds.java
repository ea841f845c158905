package dev.fifokit.bridge;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.StandardStreams;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The bridge's local ends, apart from the protocol: a FIFO or standard input as the source
 * ({@link LocalSources}), a FIFO or standard output as the sink ({@link LocalSinks}), for
 * messages and for raw bytes, and the splice between two local ends. Standard streams speak
 * {@code line} framing in the message formats, as the other fifokit commands do.
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

        /** {@return bytes read from the source and not yet handed out as messages} */
        int buffered();

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

    /** A local address as the bridge opens it: a FIFO, or the standard streams. */
    interface Local {
        MessageSource messageSource(Framing framing, MessageOptions options, boolean follow, Consumer<String> log);

        MessageSink messageSink(Framing framing, MessageOptions options);

        RawSource rawSource(boolean follow);

        RawSink rawSink();

        /** {@return the FIFO's path, or null for the standard streams} */
        Path fifo();
    }

    static Local fifo(Path path) {
        return new Local() {
            @Override
            public MessageSource messageSource(Framing framing, MessageOptions options, boolean follow,
                                               Consumer<String> log) {
                return new LocalSources.FifoMessageSource(path, framing, options, follow, log);
            }

            @Override
            public MessageSink messageSink(Framing framing, MessageOptions options) {
                return new LocalSinks.FifoMessageSink(path, framing, options);
            }

            @Override
            public RawSource rawSource(boolean follow) {
                return new LocalSources.FifoRawSource(path, follow);
            }

            @Override
            public RawSink rawSink() {
                return new LocalSinks.FifoRawSink(path);
            }

            @Override
            public Path fifo() {
                return path;
            }
        };
    }

    static Local standardStreams() {
        return new Local() {
            @Override
            public MessageSource messageSource(Framing framing, MessageOptions options, boolean follow,
                                               Consumer<String> log) {
                return new LocalSources.StdinMessageSource(options);
            }

            @Override
            public MessageSink messageSink(Framing framing, MessageOptions options) {
                return new LocalSinks.StdoutMessageSink(options);
            }

            @Override
            public RawSource rawSource(boolean follow) {
                return LocalSources.stdinRaw();
            }

            @Override
            public RawSink rawSink() {
                return LocalSinks.stdoutRaw();
            }

            @Override
            public Path fifo() {
                return null;
            }
        };
    }

    /**
     * Moves raw bytes between two local ends with the core's transfer methods (splice(2): no
     * copy through Java) when one end is a FIFO: FIFO to FIFO, FIFO to standard output,
     * standard input to FIFO. Returns -1 when neither end is a FIFO (the caller copies).
     */
    static long spliceLocal(RawSource source, RawSink sink) throws IOException {
        final long chunk = 1L << 22;
        long total = 0;
        if (source instanceof LocalSources.FifoRawSource in) {
            while (true) {
                FifoReader r = in.end();
                long n;
                if (sink instanceof LocalSinks.FifoRawSink out) {
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
        if (sink instanceof LocalSinks.FifoRawSink out) {
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
