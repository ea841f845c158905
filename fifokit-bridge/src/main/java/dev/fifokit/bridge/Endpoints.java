package dev.fifokit.bridge;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Opening links: dialling a connector address and accepting on a listening one, with TLS on TCP. */
final class Endpoints {
    private Endpoints() {}

    /** Dials {@code address} (tcp: or unix:), with TLS when {@code tls} is not null. */
    static Link connect(BridgeAddress address, SSLContext tls, Duration handshakeLimit) throws IOException {
        switch (address) {
            case BridgeAddress.Tcp t -> {
                Socket s = new Socket();
                boolean ok = false;
                try {
                    s.connect(new InetSocketAddress(t.host(), t.port()), (int) handshakeLimit.toMillis());
                    if (tls != null) {
                        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, t.host(), t.port(), true);
                        SSLParameters p = ssl.getSSLParameters();
                        p.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
                        // check that the certificate names the host we dialled (DNS name or IP address)
                        p.setEndpointIdentificationAlgorithm("HTTPS");
                        ssl.setSSLParameters(p);
                        ssl.setUseClientMode(true);
                        ssl.setSoTimeout((int) handshakeLimit.toMillis());
                        s = ssl;
                        ssl.startHandshake();
                    }
                    Link link = Link.of(address.toString(), s);
                    ok = true;
                    return link;
                } catch (ConnectException e) {
                    throw new BridgeException(address + ": connection refused", e);
                } catch (javax.net.ssl.SSLException e) {
                    throw new BridgeException(address + ": TLS handshake failed: " + e.getMessage(), e);
                } catch (IOException e) {
                    throw new BridgeException(address + ": cannot connect: " + describe(e), e);
                } finally {
                    if (!ok) {
                        s.close();
                    }
                }
            }
            case BridgeAddress.Unix u -> {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(u.path()));
                    return Link.of(address.toString(), ch);
                } catch (IOException e) {
                    ch.close();
                    if (e instanceof ConnectException || !Files.exists(u.path())) {
                        // the same as a TCP refusal: nobody listens there (exit 3 in the CLI)
                        ConnectException refused = new ConnectException(Endpoints.describe(e));
                        refused.initCause(e);
                        throw new BridgeException(address + ": connection refused"
                                + (Files.exists(u.path()) ? "" : " (no such socket)"), refused);
                    }
                    throw new BridgeException(address + ": cannot connect: " + describe(e), e);
                }
            }
            default -> throw new IllegalArgumentException(address + " is not an address to connect to");
        }
    }

    /** A listening socket; {@link #accept()} blocks until a client connects or the acceptor closes. */
    interface Acceptor extends Closeable {
        Link accept() throws IOException;

        /** The TCP port bound, or -1 for a Unix-domain socket. */
        int port();

        @Override
        void close();
    }

    static Acceptor listen(BridgeAddress address, SSLContext tls, BridgeTls tlsConfig) throws IOException {
        switch (address) {
            case BridgeAddress.TcpListen t -> {
                ServerSocket ss;
                try {
                    if (tls != null) {
                        SSLServerSocket sss = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
                        sss.setEnabledProtocols(tlsConfig.protocols());
                        sss.setNeedClientAuth(tlsConfig.isRequireClientCertificate());
                        ss = sss;
                    } else {
                        ss = new ServerSocket();
                    }
                    ss.setReuseAddress(true);
                    ss.bind(t.host() == null ? new InetSocketAddress(t.port())
                            : new InetSocketAddress(InetAddress.getByName(t.host()), t.port()), 128);
                } catch (IOException e) {
                    throw new BridgeException(address + ": cannot listen: " + describe(e), e, true);
                }
                ServerSocket server = ss;
                return new Acceptor() {
                    @Override
                    public Link accept() throws IOException {
                        Socket s = server.accept();
                        return Link.of(s.getRemoteSocketAddress().toString(), s);
                    }

                    @Override
                    public int port() {
                        return server.getLocalPort();
                    }

                    @Override
                    public void close() {
                        try {
                            server.close();
                        } catch (IOException ignored) {
                            // nothing to do
                        }
                    }
                };
            }
            case BridgeAddress.UnixListen u -> {
                ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ss.bind(UnixDomainSocketAddress.of(u.path()));
                } catch (IOException e) {
                    ss.close();
                    throw new BridgeException(address + ": cannot listen: " + describe(e)
                            + (Files.exists(u.path()) ? " (the path exists; remove it if no bridge uses it)" : ""), e, true);
                }
                Path path = u.path();
                return new Acceptor() {
                    @Override
                    public Link accept() throws IOException {
                        return Link.of(address + " client", ss.accept());
                    }

                    @Override
                    public int port() {
                        return -1;
                    }

                    @Override
                    public void close() {
                        try {
                            ss.close();
                        } catch (IOException ignored) {
                            // nothing to do
                        }
                        try {
                            Files.deleteIfExists(path);
                        } catch (IOException ignored) {
                            // leave it
                        }
                    }
                };
            }
            default -> throw new IllegalArgumentException(address + " is not an address to listen on");
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
