package dev.fifokit.bridge;

import java.nio.file.Path;

/**
 * The built-in entries of the address table, one constant each: keyword, syntax, summary,
 * parse, and how {@link FifoBridge} opens the address (a local end, a dialler or a listener).
 * A new built-in kind is one more constant (and its record in {@link BridgeAddress}).
 */
enum BuiltInKind implements AddressKind {
    FIFO("fifo", "fifo:PATH", "a FIFO: read as the source, written as the sink", Role.LOCAL) {
        @Override
        public BridgeAddress parse(String text) {
            return new BridgeAddress.Fifo(path(text));
        }

        @Override
        LocalEnds.Local local(BridgeAddress a) {
            return LocalEnds.fifo(((BridgeAddress.Fifo) a).path());
        }
    },
    STDIO("-", "-", "standard input as the source, standard output as the sink", Role.LOCAL) {
        @Override
        public BridgeAddress parse(String text) {
            if (!text.equals("-")) {
                throw new IllegalArgumentException(text + ": standard input/output is written '-' alone");
            }
            return new BridgeAddress.Stdio();
        }

        @Override
        LocalEnds.Local local(BridgeAddress a) {
            return LocalEnds.standardStreams();
        }
    },
    TCP("tcp", "tcp:HOST:PORT", "dial a TCP listener", Role.DIALS) {
        @Override
        public BridgeAddress parse(String text) {
            HostPort hp = hostPort(text, true);
            return new BridgeAddress.Tcp(hp.host, hp.port);
        }

        @Override
        Endpoints.Dialler dialler(BridgeAddress a) {
            BridgeAddress.Tcp t = (BridgeAddress.Tcp) a;
            return Endpoints.tcp(a.toString(), t.host(), t.port());
        }

        @Override
        String host(BridgeAddress a) {
            return ((BridgeAddress.Tcp) a).host();
        }
    },
    TCP_LISTEN("tcp-listen", "tcp-listen:[HOST:]PORT", "accept TCP connections (several clients)", Role.LISTENS) {
        @Override
        public BridgeAddress parse(String text) {
            HostPort hp = hostPort(text, false);
            return new BridgeAddress.TcpListen(hp.host, hp.port);
        }

        @Override
        Endpoints.Acceptor listen(BridgeAddress a, Endpoints.Security security) throws BridgeException {
            BridgeAddress.TcpListen t = (BridgeAddress.TcpListen) a;
            return Endpoints.listenTcp(a.toString(), t.host(), t.port(), security);
        }

        @Override
        String host(BridgeAddress a) {
            return ((BridgeAddress.TcpListen) a).host();
        }
    },
    UNIX("unix", "unix:PATH", "dial a Unix-domain socket", Role.DIALS) {
        @Override
        public BridgeAddress parse(String text) {
            return new BridgeAddress.Unix(path(text));
        }

        @Override
        Endpoints.Dialler dialler(BridgeAddress a) {
            return Endpoints.unix(a.toString(), ((BridgeAddress.Unix) a).path());
        }
    },
    UNIX_LISTEN("unix-listen", "unix-listen:PATH", "accept connections on a Unix-domain socket", Role.LISTENS) {
        @Override
        public BridgeAddress parse(String text) {
            return new BridgeAddress.UnixListen(path(text));
        }

        @Override
        Endpoints.Acceptor listen(BridgeAddress a, Endpoints.Security security) throws BridgeException {
            return Endpoints.listenUnix(a.toString(), ((BridgeAddress.UnixListen) a).path(), security.log());
        }
    };

    private final String keyword;
    private final String syntax;
    private final String summary;
    private final Role role;

    BuiltInKind(String keyword, String syntax, String summary, Role role) {
        this.keyword = keyword;
        this.syntax = syntax;
        this.summary = summary;
        this.role = role;
    }

    @Override
    public String keyword() {
        return keyword;
    }

    @Override
    public String syntax() {
        return syntax;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public Bridge open(BridgeAddress from, BridgeAddress to, BridgeOptions options) {
        return FifoBridge.of(from, to, options);
    }

    /** The local end of a {@link Role#LOCAL} address. */
    LocalEnds.Local local(BridgeAddress a) {
        throw new IllegalArgumentException(a + " is not a local end");
    }

    /** How to dial a {@link Role#DIALS} address. */
    Endpoints.Dialler dialler(BridgeAddress a) {
        throw new IllegalArgumentException(a + " is not an address to dial");
    }

    /** Binds a {@link Role#LISTENS} address. */
    Endpoints.Acceptor listen(BridgeAddress a, Endpoints.Security security) throws BridgeException {
        throw new IllegalArgumentException(a + " is not an address to listen on");
    }

    /** The host of a TCP address (null for every interface), or null when the kind has none. */
    String host(BridgeAddress a) {
        return null;
    }

    /** True for the TCP kinds, the only ones TLS applies to. */
    boolean isTcp() {
        return this == TCP || this == TCP_LISTEN;
    }

    // ---- parsing helpers ----

    private static Path path(String text) {
        String rest = text.substring(text.indexOf(':') + 1);
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(text + ": the path is missing");
        }
        return Path.of(rest);
    }

    private record HostPort(String host, int port) {}

    private static HostPort hostPort(String text, boolean hostRequired) {
        String rest = text.substring(text.indexOf(':') + 1);
        String host = null;
        String port = rest;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(text + ": expected [IPV6]:PORT");
            }
            host = rest.substring(1, close);
            port = rest.substring(close + 2);
        } else {
            int last = rest.lastIndexOf(':');
            if (last >= 0) {
                host = rest.substring(0, last);
                port = rest.substring(last + 1);
                if (host.contains(":")) {
                    throw new IllegalArgumentException(text + ": write an IPv6 address in brackets, e.g. [::1]:9000");
                }
            }
        }
        if (host != null && host.isEmpty()) {
            host = null;
        }
        if (hostRequired && host == null) {
            throw new IllegalArgumentException(text + ": expected HOST:PORT");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + ": bad port '" + port + "'");
        }
        checkPort(p);
        return new HostPort(host, p);
    }

    static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    static String hostText(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
