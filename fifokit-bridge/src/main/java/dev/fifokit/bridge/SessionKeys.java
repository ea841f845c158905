package dev.fifokit.bridge;

import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The secret that binds a session to the connection that opened it, with the JDK's own
 * primitives (X25519, HMAC-SHA256, SHA-256). Each connection's HELLOs carry a fresh X25519
 * public key of each side; the key agreement gives both sides a secret that never crosses the
 * link, from which the session key is derived when the session is opened. A connector that
 * comes back proves it holds that key with a MAC over the new connection's two public keys, so
 * knowing (or sniffing) a bridge's instance id is not enough to take over its session, and a
 * recorded proof does not work twice.
 */
final class SessionKeys {
    private SessionKeys() {}

    /** The X.509 header of an X25519 public key; the raw 32 bytes follow it. */
    private static final byte[] X25519_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

    /** A fresh key pair for one connection. */
    static KeyPair ephemeral() {
        try {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is missing from this JDK", e);
        }
    }

    /** The 32 raw bytes of a pair's public key, as the HELLO carries them. */
    static byte[] publicBytes(KeyPair pair) {
        byte[] x509 = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - Wire.KEY_BYTES, x509.length);
    }

    /**
     * The session key of a connection: agreement of this side's private key with the peer's
     * public key, hashed with both instances and both public keys (connector's first).
     *
     * @throws Refusal the peer's key is not a usable X25519 public key
     */
    static byte[] sessionKey(PrivateKey mine, byte[] theirs, Wire.Hello connector, Wire.Hello listener, String peer)
            throws Refusal {
        try {
            byte[] x509 = new byte[X25519_PREFIX.length + Wire.KEY_BYTES];
            System.arraycopy(X25519_PREFIX, 0, x509, 0, X25519_PREFIX.length);
            System.arraycopy(theirs, 0, x509, X25519_PREFIX.length, Wire.KEY_BYTES);
            PublicKey key = KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(x509));
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(mine);
            ka.doPhase(key, true);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("fifokit-bridge session".getBytes(StandardCharsets.US_ASCII));
            sha.update(ka.generateSecret());
            sha.update(connector.instance());
            sha.update(listener.instance());
            sha.update(connector.key());
            sha.update(listener.key());
            return sha.digest();
        } catch (GeneralSecurityException e) {
            throw Refusal.protocol(peer + ": the handshake's key is not usable (" + e.getMessage() + ")");
        }
    }

    /** The connector's proof for this connection: HMAC-SHA256 of both public keys under the session key. */
    static byte[] proof(byte[] sessionKey, Wire.Hello connector, Wire.Hello listener) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sessionKey, "HmacSHA256"));
            mac.update("fifokit-bridge proof".getBytes(StandardCharsets.US_ASCII));
            mac.update(connector.key());
            mac.update(listener.key());
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Compares two MACs in constant time. */
    static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** What a session is bound to when the connector presented a TLS certificate: its SHA-256; null without one. */
    static byte[] certificateBinding(byte[] der) {
        if (der == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(der);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
