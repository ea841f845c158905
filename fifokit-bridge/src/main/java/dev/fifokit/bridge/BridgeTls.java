package dev.fifokit.bridge;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * TLS for a bridge's TCP ends, from PEM files, with the JDK's own TLS ({@link SSLContext}); no
 * cryptography of fifokit's own. Immutable; each method returns a changed copy.
 *
 * <ul>
 *   <li>{@link #pem(Path, Path)}: this side's certificate chain ({@code -----BEGIN
 *       CERTIFICATE-----} blocks, leaf first) and its private key, unencrypted PKCS#8
 *       ({@code -----BEGIN PRIVATE KEY-----}; convert others with
 *       {@code openssl pkcs8 -topk8 -nocrypt}). RSA, EC and Ed25519 keys are read. A listener
 *       needs them; a connector needs them only to present a client certificate.</li>
 *   <li>{@link #trust(Path)}: the certificates (PEM) that verify the peer. Without it a
 *       connector trusts the JDK's default authorities. A connector always checks that the
 *       server's certificate names the host it dialled (subjectAltName DNS or IP).</li>
 *   <li>{@link #requireClientCertificate()}: a listener refuses clients without a
 *       certificate that {@link #trust(Path)} verifies.</li>
 * </ul>
 *
 * <p>TLS 1.3 and 1.2 only, with the JDK's default cipher suites.
 */
public final class BridgeTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Path certificate;
    private final Path key;
    private final Path trust;
    private final boolean requireClientCertificate;

    private BridgeTls(Path certificate, Path key, Path trust, boolean requireClientCertificate) {
        this.certificate = certificate;
        this.key = key;
        this.trust = trust;
        this.requireClientCertificate = requireClientCertificate;
    }

    /** {@return TLS without a certificate of this side's own (a connector that trusts the default authorities)} */
    public static BridgeTls client() {
        return new BridgeTls(null, null, null, false);
    }

    /**
     * TLS with this side's certificate chain and private key (both PEM; read at start).
     *
     * @param certificateChain the chain, leaf first
     * @param privateKey an unencrypted PKCS#8 key
     * @return the configuration
     */
    public static BridgeTls pem(Path certificateChain, Path privateKey) {
        return new BridgeTls(Objects.requireNonNull(certificateChain, "certificateChain"),
                Objects.requireNonNull(privateKey, "privateKey"), null, false);
    }

    /**
     * Verifies the peer with these PEM certificates instead of the JDK's default authorities.
     *
     * @param trustedCertificates the certificates (PEM)
     * @return a copy that trusts them
     */
    public BridgeTls trust(Path trustedCertificates) {
        return new BridgeTls(certificate, key, Objects.requireNonNull(trustedCertificates, "trustedCertificates"),
                requireClientCertificate);
    }

    /**
     * A listener requires a client certificate that the trusted certificates verify. It needs
     * {@link #trust(Path)}: a bridge built with this and no trusted certificates is refused
     * ({@link FifoBridge#of}), rather than checking clients against the JDK's
     * public authorities.
     *
     * @return a copy that requires client certificates
     */
    public BridgeTls requireClientCertificate() {
        return new BridgeTls(certificate, key, trust, true);
    }

    /** {@return true when a listener refuses clients without a trusted certificate} */
    public boolean isRequireClientCertificate() {
        return requireClientCertificate;
    }

    boolean hasTrust() {
        return trust != null;
    }

    boolean hasIdentity() {
        return certificate != null;
    }

    String[] protocols() {
        return PROTOCOLS.clone();
    }

    /**
     * Builds the JDK context. Reads the files now.
     *
     * @throws BridgeException a file is missing or unreadable, holds no certificate, or the key
     *         is not an unencrypted PKCS#8 RSA, EC or Ed25519 key; the message names the file
     */
    SSLContext context() throws BridgeException {
        try {
            KeyManagerFactory kmf = null;
            if (certificate != null) {
                List<X509Certificate> chain = certificates(certificate);
                PrivateKey pk = privateKey(key);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] none = new char[0];
                ks.setKeyEntry("bridge", pk, none, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, none);
            }
            TrustManagerFactory tmf = null;
            if (trust != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (X509Certificate c : certificates(trust)) {
                    ts.setCertificateEntry("trusted-" + i++, c);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(),
                    new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            if (e instanceof BridgeException b) {
                throw b;
            }
            throw new BridgeException("TLS: " + e.getMessage(), e, true);
        }
    }

    /** Every {@code CERTIFICATE} block of a PEM file, in order. */
    static List<X509Certificate> certificates(Path file) throws BridgeException {
        byte[] bytes = read(file);
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> all = cf.generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new BridgeException(file + ": no PEM certificate in the file", null, true);
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            throw new BridgeException(file + ": not a PEM certificate: " + e.getMessage(), e, true);
        }
    }

    /** The first {@code PRIVATE KEY} block of a PEM file (unencrypted PKCS#8). */
    static PrivateKey privateKey(Path file) throws BridgeException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            String hint = text.contains("ENCRYPTED PRIVATE KEY") ? "the key is encrypted"
                    : text.contains("RSA PRIVATE KEY") || text.contains("EC PRIVATE KEY")
                    ? "the key is not PKCS#8" : "no PEM private key in the file";
            throw new BridgeException(file + ": " + hint
                    + " (expected an unencrypted PKCS#8 key; convert with: openssl pkcs8 -topk8 -nocrypt -in KEY)",
                    null, true);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new BridgeException(file + ": the private key is not valid base64", x, true);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new BridgeException(file + ": the private key is not an RSA, EC or EdDSA PKCS#8 key", null, true);
    }

    private static byte[] read(Path file) throws BridgeException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BridgeException(file + ": cannot read: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? " " + e.getMessage() : ""), e, true);
        }
    }
}
