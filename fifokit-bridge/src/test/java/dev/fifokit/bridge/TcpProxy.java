package dev.fifokit.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy the test controls: {@link #cut()} kills every connection through it
 * (both sockets reset), {@link #refuse(boolean)} turns new connections away, so the test can take
 * the link down and bring it back mid-stream.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    /** The first bytes each client sent, in the order the clients came. */
    private final java.util.List<java.io.ByteArrayOutputStream> firstBytes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean refusing;
    private final Thread acceptor;

    TcpProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    void refuse(boolean on) {
        refusing = on;
    }

    /** Resets every connection through the proxy now. */
    void cut() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // RST, as a dropped link looks to the peers
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        open.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                accepted.incrementAndGet();
                open.add(client);
                open.add(upstream);
                java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
                firstBytes.add(seen);
                Thread.ofVirtual().start(() -> pump(client, upstream, seen));
                Thread.ofVirtual().start(() -> pump(upstream, client, null));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its socket close
            }
        }
    }

    /** What the {@code n}-th client sent first (up to 256 bytes): a sniffer's view of the link. */
    byte[] firstBytes(int n) {
        java.io.ByteArrayOutputStream seen = firstBytes.get(n);
        synchronized (seen) {
            return seen.toByteArray();
        }
    }

    private void pump(Socket a, Socket b, java.io.ByteArrayOutputStream seen) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = a.getInputStream(); OutputStream out = b.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (seen != null) {
                    synchronized (seen) {
                        seen.write(buf, 0, Math.min(n, Math.max(0, 256 - seen.size())));
                    }
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // cut
        } finally {
            closeQuietly(a);
            closeQuietly(b);
            open.remove(a);
            open.remove(b);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        cut();
        acceptor.join(java.time.Duration.ofSeconds(5));
    }
}
