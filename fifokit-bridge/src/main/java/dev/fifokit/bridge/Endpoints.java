package dev.fifokit.bridge;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Opening links: dialling a connector address and accepting on a listening one, with TLS on
 * TCP, every dial bounded by the handshake's {@link Deadline}. Also the one place a link's
 * failure is put into words ({@link #describe}).
 */
final class Endpoints {
    private Endpoints() {}

    /** TLS (or none) and where to report what a listener removes or refuses. */
    record Security(SSLContext ssl, BridgeTls tls, Consumer<String> log) {}

    /** How to reach a connector address. */
    interface Dialler {
        /**
         * Connects (and completes TLS) within {@code deadline}.
         *
         * @throws BridgeException refused (the cause a {@link ConnectException}), unresolvable,
         *         timed out, TLS failed; the message names the address
         */
        Link connect(SSLContext ssl, Deadline deadline) throws BridgeException;
    }

    /** A listening socket; {@link #accept()} blocks until a client connects or the acceptor closes. */
    interface Acceptor extends Closeable {
        /** The next connection, TLS not yet done ({@link Link#startTls()}). */
        Link accept() throws IOException;

        /** {@return the TCP port bound, or -1 for a Unix-domain socket} */
        int port();

        boolean isClosed();

        @Override
        void close();
    }

    static Dialler tcp(String name, String host, int port) {
        return (ssl, deadline) -> {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new BridgeException(name + ": cannot resolve host '" + host + "'", e);
            }
            Socket s = new Socket();
            deadline.guard(s);
            try {
                s.connect(new InetSocketAddress(address, port), (int) deadline.remaining().toMillis());
                if (ssl != null) {
                    SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(s, host, port, true);
                    deadline.guard(tls);
                    SSLParameters p = tls.getSSLParameters();
                    p.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
                    // check that the certificate names the host we dialled (DNS name or IP address)
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    tls.setSSLParameters(p);
                    tls.setUseClientMode(true);
                    s = tls;
                    tls.startHandshake();
                }
                return Link.of(name, s);
            } catch (IOException e) {
                closeQuietly(s);
                if (deadline.expired()) {
                    throw new BridgeException(name + ": no connection within " + millis(deadline) + " ms", e);
                }
                if (e instanceof ConnectException) {
                    throw new BridgeException(name + ": connection refused", e);
                }
                throw new BridgeException(describe(name, e), e);
            }
        };
    }

    static Dialler unix(String name, Path path) {
        return (ssl, deadline) -> {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                deadline.guard(ch);
                ch.connect(UnixDomainSocketAddress.of(path));
                return Link.of(name, ch);
            } catch (IOException e) {
                closeQuietly(ch);
                if (deadline.expired()) {
                    throw new BridgeException(name + ": no connection within " + millis(deadline) + " ms", e);
                }
                boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
                if (e instanceof ConnectException || !exists) {
                    // the same as a TCP refusal: nobody listens there (exit 3 in the CLI)
                    ConnectException refused = new ConnectException(e.getMessage());
                    refused.initCause(e);
                    throw new BridgeException(name + ": connection refused" + (exists ? "" : " (no such socket)"), refused);
                }
                throw new BridgeException(describe(name, e), e);
            }
        };
    }

    static Acceptor listenTcp(String name, String host, int port, Security security) throws BridgeException {
        ServerSocket ss = null;
        try {
            if (security.ssl() != null) {
                SSLServerSocket sss = (SSLServerSocket) security.ssl().getServerSocketFactory().createServerSocket();
                sss.setEnabledProtocols(security.tls().protocols());
                sss.setNeedClientAuth(security.tls().isRequireClientCertificate());
                ss = sss;
            } else {
                ss = new ServerSocket();
            }
            ss.setReuseAddress(true);
            ss.bind(host == null ? new InetSocketAddress(port) : new InetSocketAddress(InetAddress.getByName(host), port),
                    128);
        } catch (UnknownHostException e) {
            closeQuietly(ss);
            throw new BridgeException(name + ": cannot resolve host '" + host + "'", e, true);
        } catch (IOException e) {
            closeQuietly(ss);
            throw new BridgeException(name + ": cannot listen: " + words(e), e, true);
        }
        ServerSocket server = ss;
        String bound = port != 0 ? name : name.substring(0, name.lastIndexOf(':') + 1) + server.getLocalPort();
        return new Acceptor() {
            @Override
            public Link accept() throws IOException {
                Socket s = server.accept();
                InetSocketAddress peer = (InetSocketAddress) s.getRemoteSocketAddress();
                return Link.of("client " + BuiltInKind.hostText(peer.getAddress().getHostAddress()) + ":"
                        + peer.getPort() + " of " + bound, s);
            }

            @Override
            public int port() {
                return server.getLocalPort();
            }

            @Override
            public boolean isClosed() {
                return server.isClosed();
            }

            @Override
            public void close() {
                closeQuietly(server);
            }
        };
    }

    static Acceptor listenUnix(String name, Path path, Consumer<String> log) throws BridgeException {
        ServerSocketChannel ss = bindUnix(name, path, log);
        AtomicLong clients = new AtomicLong();
        return new Acceptor() {
            @Override
            public Link accept() throws IOException {
                return Link.of("client #" + clients.incrementAndGet() + " of " + name, ss.accept());
            }

            @Override
            public int port() {
                return -1;
            }

            @Override
            public boolean isClosed() {
                return !ss.isOpen();
            }

            @Override
            public void close() {
                if (ss.isOpen()) {
                    closeQuietly(ss);
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException ignored) {
                        // leave it; the next bridge removes a stale socket
                    }
                }
            }
        };
    }

    /**
     * Binds a Unix-domain socket. A socket file left behind by a bridge that was killed, that
     * nobody listens on any more, is removed first (socat's unlink-early, but only when it is a
     * socket and a connection to it is refused); anything else at the path is left alone.
     */
    private static ServerSocketChannel bindUnix(String name, Path path, Consumer<String> log) throws BridgeException {
        for (int attempt = 0; ; attempt++) {
            ServerSocketChannel ss = null;
            try {
                ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                ss.bind(UnixDomainSocketAddress.of(path));
                return ss;
            } catch (IOException e) {
                closeQuietly(ss);
                boolean inUse = e instanceof BindException && Files.exists(path, LinkOption.NOFOLLOW_LINKS);
                if (!inUse) {
                    throw new BridgeException(name + ": cannot listen: " + words(e), e, true);
                }
                if (!isSocket(path)) {
                    throw new BridgeException(name + ": cannot listen: the path exists and is not a socket", e, true);
                }
                if (attempt > 0 || listening(path)) {
                    throw new BridgeException(name + ": cannot listen: another process listens on this socket", e, true);
                }
                try {
                    Files.deleteIfExists(path);
                } catch (IOException d) {
                    throw new BridgeException(name + ": cannot remove the stale socket: " + words(d), d, true);
                }
                log.accept(name + ": removed a stale socket nobody listened on");
            }
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean listening(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return !(e instanceof ConnectException);
        }
    }

    /**
     * {@code "<address>: <what happened>"}: a link's failure in words, never a bare exception
     * name. A message that already starts with the address is kept as it is.
     */
    static String describe(String address, Throwable e) {
        String m = e.getMessage();
        if (m != null && m.startsWith(address + ":")) {
            return m;
        }
        return address + ": " + words(e);
    }

    /** What {@code e} means for a link, without the address. */
    static String words(Throwable e) {
        String m = e.getMessage();
        if (e instanceof BridgeException && m != null) {
            return m;
        }
        if (e instanceof EOFException) {
            return "closed the connection" + (m == null || m.isEmpty() ? "" : " (" + m + ")");
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof SSLHandshakeException) {
            return "TLS handshake failed: " + (m == null ? "refused" : m);
        }
        if (e instanceof SSLException) {
            return "TLS: " + (m == null ? e.getClass().getSimpleName() : m);
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SocketException && m != null) {
            return m.equals("Socket closed") || m.equals("Socket is closed") ? "the connection was closed" : m;
        }
        if (e instanceof java.nio.channels.ClosedChannelException) {
            return "the connection was closed";
        }
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    private static long millis(Deadline d) {
        return d.limit().toMillis();
    }

    static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
