package dev.fifokit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that injects the faults of a real network between two bridge
 * processes: {@link #reset()} kills every connection through it with a reset (RST, as a dropped
 * link looks to both peers), {@link #refuse(boolean)} turns new connections away,
 * {@link #blackhole(boolean)} swallows what clients send (messages vanish on the wire, the
 * connection stays up), and it records what each client sent first, as a sniffer would.
 * Every thread is virtual and ends with {@link #close()}.
 */
final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong swallowed = new AtomicLong();
    private final List<byte[]> firstBytes = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean refusing;
    private volatile boolean blackhole;

    FaultProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = Thread.ofVirtual().name("fault-proxy").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@return how many connections were passed on to the target} */
    int accepted() {
        return accepted.get();
    }

    /** {@return bytes swallowed while the blackhole was on} */
    long swallowed() {
        return swallowed.get();
    }

    /** {@return the first bytes (up to 64) the {@code n}-th client sent} */
    byte[] firstBytes(int n) {
        return firstBytes.get(n);
    }

    void refuse(boolean on) {
        refusing = on;
    }

    void blackhole(boolean on) {
        blackhole = on;
    }

    /** Resets every connection through the proxy now. */
    void reset() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
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
                byte[] first = new byte[64];
                int[] firstLength = {0};
                firstBytes.add(first);
                Thread.ofVirtual().start(() -> pump(client, upstream, first, firstLength));
                Thread.ofVirtual().start(() -> pump(upstream, client, null, null));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its socket close
            }
        }
    }

    private void pump(Socket from, Socket to, byte[] first, int[] firstLength) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (first != null && firstLength[0] < first.length) {
                    int k = Math.min(n, first.length - firstLength[0]);
                    System.arraycopy(buf, 0, first, firstLength[0], k);
                    firstLength[0] += k;
                }
                if (first != null && blackhole) {
                    swallowed.addAndGet(n);
                    continue;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // reset
        } finally {
            close(from);
            close(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing
        }
        reset();
        acceptor.join(Duration.ofSeconds(5));
    }
}
