package dev.fifokit.bridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Certificates made in the test with openssl: a CA, a server certificate for 127.0.0.1 and
 * localhost and a client certificate, both signed by the CA, and a self-signed "rogue" client
 * certificate the CA never signed. Keys are unencrypted PKCS#8 PEM (what openssl 3 writes).
 */
record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
                        Path rogueCert, Path rogueKey) {

    static TestCertificates make(Path dir) throws Exception {
        assumeTrue(onPath("openssl"), "openssl is not installed");
        Path ext = dir.resolve("server.ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=fifokit test CA", "-days", "2");
        for (String who : List.of("server", "client")) {
            run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            List<String> sign = new ArrayList<>(List.of("openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt",
                    "-CAkey", "ca.key", "-CAcreateserial", "-out", who + ".crt", "-days", "2"));
            if (who.equals("server")) {
                sign.addAll(List.of("-extfile", ext.toString()));
            }
            run(dir, sign.toArray(new String[0]));
        }
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "rogue.key", "-out", "rogue.crt", "-subj", "/CN=client", "-days", "2");
        return new TestCertificates(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                dir.resolve("client.crt"), dir.resolve("client.key"), dir.resolve("rogue.crt"), dir.resolve("rogue.key"));
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void run(Path dir, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException("openssl took over a minute: " + String.join(" ", argv));
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " failed:\n" + Files.readString(dir.resolve("openssl.log")));
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
