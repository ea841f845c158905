package dev.fifokit.bridge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rules two addresses and the options must keep together, checked before anything is opened
 * ({@link FifoBridge#of}); each refusal names the addresses and says what to change.
 */
final class Pairing {
    private Pairing() {}

    static void check(BridgeAddress from, BridgeAddress to, BridgeOptions options) {
        for (BridgeAddress a : new BridgeAddress[]{from, to}) {
            if (!(a.kind() instanceof BuiltInKind)) {
                throw new IllegalArgumentException(a + ": a " + a.kind().keyword() + " address is not one FifoBridge "
                        + "opens; its kind brings its own bridge (BridgeAddresses.open)");
            }
        }
        if (!from.isLocal() && !to.isLocal()) {
            throw new IllegalArgumentException(from + " " + to + ": one end must be a FIFO (fifo:PATH) or - "
                    + "(standard input/output)");
        }
        if (from instanceof BridgeAddress.Stdio && to instanceof BridgeAddress.Stdio) {
            throw new IllegalArgumentException("- -: at least one end must be a FIFO or a socket");
        }
        if (from instanceof BridgeAddress.Fifo a && to instanceof BridgeAddress.Fifo b && sameFile(a.path(), b.path())) {
            throw new IllegalArgumentException(from + " " + to + ": the source and the sink are the same FIFO "
                    + "(a bridge would read back what it writes)");
        }
        BridgeAddress net = from.isLocal() ? to : from;
        BuiltInKind kind = (BuiltInKind) net.kind();
        BridgeTls tls = options.tls();
        if (tls != null && !kind.isTcp()) {
            throw new IllegalArgumentException(net + ": TLS applies to tcp: and tcp-listen: ends only");
        }
        if (kind.isTcp() && tls == null && !options.isPlaintext()) {
            String host = kind.host(net);
            if (host != null && !resolves(host)) {
                throw new IllegalArgumentException(net + ": cannot resolve host '" + host + "' to check that it is "
                        + "loopback: give TLS options, or allow plaintext explicitly (--plaintext)");
            }
            if (!BridgeAddress.isLoopback(host)) {
                throw new IllegalArgumentException(net + ": plaintext TCP off the loopback interface: give TLS "
                        + "options, or allow plaintext explicitly (--plaintext)");
            }
        }
        if (tls != null && net.isListening() && !tls.hasIdentity()) {
            throw new IllegalArgumentException(net + ": a TLS listener needs a certificate and a key");
        }
        if (tls != null && tls.isRequireClientCertificate()) {
            if (!net.isListening()) {
                throw new IllegalArgumentException(net + ": requiring client certificates applies to a listener");
            }
            if (!tls.hasTrust()) {
                throw new IllegalArgumentException(net + ": requiring client certificates needs the certificates "
                        + "that verify them (BridgeTls.trust, --tls-ca); without them any certificate from the JDK's "
                        + "public authorities would do");
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // fall back to the names
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static boolean resolves(String host) {
        try {
            InetAddress.getAllByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
