package dev.fifokit.bridge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One end a bridge joins, written in socat's vocabulary and parsed by the address table
 * ({@link BridgeAddresses}). The built-in kinds are the records below:
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
 *
 * <p>A kind registered by another module has addresses of its own types; {@link #kind()}
 * says which entry of the table an address belongs to.
 */
public interface BridgeAddress {

    /** {@return the table entry this address belongs to} */
    AddressKind kind();

    /** {@return true for the ends that stay on this machine: a FIFO or standard input/output} */
    default boolean isLocal() {
        return kind().role() == AddressKind.Role.LOCAL;
    }

    /** {@return true for the ends that accept connections} */
    default boolean isListening() {
        return kind().role() == AddressKind.Role.LISTENS;
    }

    /**
     * Parses one address of a built-in kind ({@link BridgeAddresses#standard()}). The keyword
     * is case-insensitive.
     *
     * @param text the address as written
     * @return the address
     * @throws IllegalArgumentException an unknown keyword, a missing path, a bad port; the
     *         message names the address
     */
    static BridgeAddress parse(String text) {
        return BridgeAddresses.standard().parse(text);
    }

    /**
     * True when {@code host} names only loopback addresses (resolving it if it is a name).
     *
     * @param host a name or an address literal
     * @return whether every address it resolves to is a loopback address (false when it does
     *         not resolve)
     */
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

    /**
     * {@code fifo:PATH}.
     *
     * @param path the FIFO
     */
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
        public AddressKind kind() {
            return BuiltInKind.FIFO;
        }

        @Override
        public String toString() {
            return "fifo:" + path;
        }
    }

    /** {@code -}: standard input or output. */
    record Stdio() implements BridgeAddress {
        @Override
        public AddressKind kind() {
            return BuiltInKind.STDIO;
        }

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
            BuiltInKind.checkPort(port);
        }

        @Override
        public AddressKind kind() {
            return BuiltInKind.TCP_LISTEN;
        }

        @Override
        public String toString() {
            return "tcp-listen:" + (host == null ? "" : BuiltInKind.hostText(host) + ":") + port;
        }
    }

    /**
     * {@code tcp:HOST:PORT}.
     *
     * @param host the name or address to dial
     * @param port 1..65535
     */
    record Tcp(String host, int port) implements BridgeAddress {
        /**
         * Checks the host and port.
         *
         * @throws IllegalArgumentException the port is outside 1..65535
         */
        public Tcp {
            Objects.requireNonNull(host, "host");
            BuiltInKind.checkPort(port);
            if (port == 0) {
                throw new IllegalArgumentException("tcp:" + host + ":0: cannot connect to port 0");
            }
        }

        @Override
        public AddressKind kind() {
            return BuiltInKind.TCP;
        }

        @Override
        public String toString() {
            return "tcp:" + BuiltInKind.hostText(host) + ":" + port;
        }
    }

    /**
     * {@code unix-listen:PATH}: a Unix-domain socket this bridge creates and removes.
     *
     * @param path where the socket is created
     */
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
        public AddressKind kind() {
            return BuiltInKind.UNIX_LISTEN;
        }

        @Override
        public String toString() {
            return "unix-listen:" + path;
        }
    }

    /**
     * {@code unix:PATH}: connect to a Unix-domain socket.
     *
     * @param path the socket
     */
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
        public AddressKind kind() {
            return BuiltInKind.UNIX;
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }
}
