package dev.fifokit.bridge;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection to a far side (TCP, TLS over TCP, a Unix-domain socket, or any pair of streams
 * in a test) as buffered streams. Reading and writing may happen on two threads at once.
 * {@link #close()} may be called from any thread and ends a read or write blocked on the others.
 */
final class Link implements Closeable {
    static final int BUFFER = 64 * 1024;

    private final String name;
    private final Socket socket;
    private final Closeable closer;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Link(String name, Socket socket, Closeable closer, InputStream in, OutputStream out) {
        this.name = name;
        this.socket = socket;
        this.closer = closer;
        this.in = new BufferedInputStream(in, BUFFER);
        this.out = new BufferedOutputStream(out, BUFFER);
    }

    static Link of(String name, Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        return new Link(name, socket, socket, socket.getInputStream(), socket.getOutputStream());
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
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
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

    /** A link over any two streams; {@code closer} ends both (the seam the protocol's tests use). */
    static Link of(String name, InputStream in, OutputStream out, Closeable closer) {
        return new Link(name, null, closer, in, out);
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

    /**
     * Completes the TLS handshake now, when the link is TLS (a listener's socket would start
     * it at the first read), so that a refusal is reported as one.
     */
    void startTls() throws IOException {
        if (socket instanceof SSLSocket ssl) {
            ssl.startHandshake();
        }
    }

    /** The far side's TLS certificate (DER), or null when it presented none or the link is not TLS. */
    byte[] peerCertificate() {
        if (!(socket instanceof SSLSocket ssl)) {
            return null;
        }
        try {
            Certificate[] chain = ssl.getSession().getPeerCertificates();
            return chain.length == 0 ? null : chain[0].getEncoded();
        } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
            return null;
        }
    }

    /** Ends the outgoing direction after flushing (a clean end of a raw stream). */
    void finishOutput() throws IOException {
        out.flush();
        if (socket != null && !(socket instanceof SSLSocket)) {
            socket.shutdownOutput();
        } else if (closer instanceof SocketChannel ch) {
            ch.shutdownOutput();
        } else {
            close();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                closer.close();
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
