package dev.fifokit.cli;

import dev.fifokit.BrokenPipeException;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * fifokit's own standard input and output as channels, for the message commands. Closing
 * them leaves descriptors 0 and 1 open (the JVM still owns them); an EPIPE on standard output
 * becomes a path-less {@link BrokenPipeException}, which {@link Failures} turns into a quiet 141.
 */
final class StdChannels {
    /** The name errors about standard input use. */
    static final Path STDIN = Path.of("<stdin>");

    private StdChannels() {}

    static ReadableByteChannel stdin() {
        FileChannel ch = new FileInputStream(FileDescriptor.in).getChannel();
        return new ReadableByteChannel() {
            private boolean open = true;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return ch.read(dst);
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    static WritableByteChannel stdout() {
        FileChannel ch = new FileOutputStream(FileDescriptor.out).getChannel();
        return new WritableByteChannel() {
            private boolean open = true;

            @Override
            public int write(ByteBuffer src) throws IOException {
                try {
                    return ch.write(src);
                } catch (IOException e) {
                    if (e.getMessage() != null && e.getMessage().contains("Broken pipe")) {
                        throw new BrokenPipeException(null, 0);
                    }
                    throw e;
                }
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }
}
