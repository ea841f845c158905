package dev.fifokit.bridge;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connected socket (TCP, TLS over TCP, or Unix-domain) as buffered streams. Reading and
 * writing may happen on two threads at once. {@link #close()} may be called from any thread and
 * ends a read or write blocked on the other threads.
 */
final class Link implements Closeable {
    static final int BUFFER = 64 * 1024;

    private final String name;
    private final Socket socket;
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Link(String name, Socket socket, SocketChannel channel, InputStream in, OutputStream out) {
        this.name = name;
        this.socket = socket;
        this.channel = channel;
        this.in = new BufferedInputStream(in, BUFFER);
        this.out = new BufferedOutputStream(out, BUFFER);
    }

    static Link of(String name, Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        return new Link(name, socket, null, socket.getInputStream(), socket.getOutputStream());
    }

    static Link of(String name, SocketChannel channel) {
        // not Channels.newInputStream/newOutputStream: their streams lock the channel's blocking
        // lock for each read and write, so a read blocked on one thread would hold up every write
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                while (bb.hasRemaining()) {
                    channel.write(bb);
                }
            }
        };
        return new Link(name, null, channel, in, out);
    }

    /** Who is at the other end, for messages: the address dialled or the peer's address. */
    String name() {
        return name;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Bounds each blocking read (the handshake), or lifts the bound with null. TCP only. */
    void readTimeout(Duration limit) throws SocketException {
        if (socket != null) {
            socket.setSoTimeout(limit == null ? 0 : (int) Math.max(1, limit.toMillis()));
        }
    }

    /** Ends the outgoing direction after flushing (a clean end of a raw stream). */
    void finishOutput() throws IOException {
        out.flush();
        if (socket != null) {
            if (!(socket instanceof javax.net.ssl.SSLSocket)) {
                socket.shutdownOutput();
            } else {
                close();
            }
        } else {
            channel.shutdownOutput();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                if (socket != null) {
                    socket.close();
                } else {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing a socket cannot fail in a way we could act on
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
