package dev.fifokit.bridge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One end a {@link FifoBridge} joins, in socat's vocabulary ({@link #parse(String)}):
 *
 * <ul>
 *   <li>{@code fifo:PATH}: a FIFO; read when it is the bridge's source, written when it is the
 *       sink.</li>
 *   <li>{@code -}: the process's standard input (source) or standard output (sink).</li>
 *   <li>{@code tcp-listen:PORT}, {@code tcp-listen:HOST:PORT}: listen for TCP connections, on
 *       every interface or on HOST's address ({@code [::1]} for an IPv6 literal); several
 *       clients may connect. Port 0 takes an ephemeral port ({@link FifoBridge#localPort()}).</li>
 *   <li>{@code tcp:HOST:PORT}: connect to a TCP listener.</li>
 *   <li>{@code unix-listen:PATH}, {@code unix:PATH}: the same over a Unix-domain socket.</li>
 * </ul>
 */
public sealed interface BridgeAddress {

    /** True for the ends that stay on this machine: a FIFO or standard input/output. */
    default boolean isLocal() {
        return this instanceof Fifo || this instanceof Stdio;
    }

    /** True for the ends that accept connections. */
    default boolean isListening() {
        return this instanceof TcpListen || this instanceof UnixListen;
    }

    /** {@code fifo:PATH}. */
    record Fifo(Path path) implements BridgeAddress {
        /**
         * Checks the path.
         *
         * @throws NullPointerException {@code path} is null
         */
        public Fifo {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "fifo:" + path;
        }
    }

    /** {@code -}: standard input or output. */
    record Stdio() implements BridgeAddress {
        @Override
        public String toString() {
            return "-";
        }
    }

    /**
     * {@code tcp-listen:[HOST:]PORT}.
     *
     * @param host the address to bind, or null for every interface
     * @param port 0 for an ephemeral port
     */
    record TcpListen(String host, int port) implements BridgeAddress {
        /**
         * Checks the port.
         *
         * @throws IllegalArgumentException the port is outside 0..65535
         */
        public TcpListen {
            checkPort(port);
        }

        @Override
        public String toString() {
            return "tcp-listen:" + (host == null ? "" : hostText(host) + ":") + port;
        }
    }

    /** {@code tcp:HOST:PORT}. */
    record Tcp(String host, int port) implements BridgeAddress {
        /**
         * Checks the host and port.
         *
         * @throws IllegalArgumentException the port is outside 1..65535
         */
        public Tcp {
            Objects.requireNonNull(host, "host");
            checkPort(port);
            if (port == 0) {
                throw new IllegalArgumentException("tcp:" + host + ":0: cannot connect to port 0");
            }
        }

        @Override
        public String toString() {
            return "tcp:" + hostText(host) + ":" + port;
        }
    }

    /** {@code unix-listen:PATH}: a Unix-domain socket this bridge creates and removes. */
    record UnixListen(Path path) implements BridgeAddress {
        /**
         * Checks the path.
         *
         * @throws NullPointerException {@code path} is null
         */
        public UnixListen {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "unix-listen:" + path;
        }
    }

    /** {@code unix:PATH}: connect to a Unix-domain socket. */
    record Unix(Path path) implements BridgeAddress {
        /**
         * Checks the path.
         *
         * @throws NullPointerException {@code path} is null
         */
        public Unix {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /**
     * Parses one address (see the interface comment). The keyword is case-insensitive.
     *
     * @throws IllegalArgumentException an unknown keyword, a missing path, a bad port; the
     *         message names the address
     */
    static BridgeAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals("-")) {
            return new Stdio();
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(text + ": not an address (expected fifo:PATH, tcp:HOST:PORT, "
                    + "tcp-listen:PORT, unix:PATH, unix-listen:PATH or -)");
        }
        String kind = text.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        String rest = text.substring(colon + 1);
        try {
            return switch (kind) {
                case "fifo" -> new Fifo(path(text, rest));
                case "unix" -> new Unix(path(text, rest));
                case "unix-listen" -> new UnixListen(path(text, rest));
                case "tcp" -> {
                    Object[] hp = hostPort(text, rest, true);
                    yield new Tcp((String) hp[0], (Integer) hp[1]);
                }
                case "tcp-listen" -> {
                    Object[] hp = hostPort(text, rest, false);
                    yield new TcpListen((String) hp[0], (Integer) hp[1]);
                }
                default -> throw new IllegalArgumentException(text + ": unknown address type '" + kind
                        + "' (expected fifo, tcp, tcp-listen, unix, unix-listen or -)");
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(text + ":")) {
                throw e;
            }
            throw new IllegalArgumentException(text + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code host} names only loopback addresses (resolving it if it is a name). */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Path path(String text, String rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(text + ": the path is missing");
        }
        return Path.of(rest);
    }

    /** {host or null, port}. */
    private static Object[] hostPort(String text, String rest, boolean hostRequired) {
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
        return new Object[]{host, p};
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    private static String hostText(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
