package dev.fifokit.bridge;

import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS with certificates made in the test: mutual authentication works, strangers are turned away. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BridgeTlsTest {
    static final Duration LIMIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;
    TestCertificates certs;

    @BeforeEach
    void certificates() throws Exception {
        Path c = Files.createDirectory(dir.resolve("certs"));
        certs = TestCertificates.make(c);
    }

    final List<String> serverLog = new java.util.concurrent.CopyOnWriteArrayList<>();

    private FifoBridge server(Path out) throws IOException {
        return FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"), BridgeAddress.parse("fifo:" + out), BridgeOptions.defaults()
                .format(BridgeFormat.MESG)
                .tls(BridgeTls.pem(certs.serverCert(), certs.serverKey()).trust(certs.ca()).requireClientCertificate())
                .log(line -> {
                    serverLog.add(line);
                    BridgeReliabilityTest.LOG.accept(line);
                })).start();
    }

    @Test
    void refusalsAndHangUpsDuringTlsAreLoggedWithTheClientsAddressInWords() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = server(out.path());
             FifoBridge anonymous = client(in.path(), far.localPort(), BridgeTls.client().trust(certs.ca()))) {
            assertThatThrownBy(() -> anonymous.await(LIMIT)).isInstanceOf(IOException.class);
            try (java.net.Socket hangUp = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), far.localPort())) {
                hangUp.getOutputStream().write(new byte[]{22, 3, 1}); // the start of a TLS record, then nothing
            }
            dev.fifokit.testing.Await.until(LIMIT, "two refusals logged", () -> serverLog.stream()
                    .filter(l -> l.startsWith("client 127.0.0.1:")).count() >= 2);
            assertThat(serverLog).filteredOn(l -> l.startsWith("client 127.0.0.1:"))
                    .allSatisfy(l -> assertThat(l).contains("of tcp-listen:127.0.0.1:").contains("TLS")
                            .doesNotContainPattern("^[^:]*Exception$"));
        }
    }

    private FifoBridge client(Path in, int port, BridgeTls tls) throws IOException {
        BridgeOptions o = BridgeOptions.defaults().format(BridgeFormat.MESG).log(BridgeReliabilityTest.LOG);
        return FifoBridge.of(BridgeAddress.parse("fifo:" + in), BridgeAddress.parse("tcp:127.0.0.1:" + port),
                tls != null ? o.tls(tls) : o).start();
    }

    @Test
    void mutualTlsCarriesMessagesIntact() throws Exception {
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sent.add(Message.of(i, "secret " + i));
        }
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = server(out.path());
             FifoBridge near = client(in.path(), far.localPort(),
                     BridgeTls.pem(certs.clientCert(), certs.clientKey()).trust(certs.ca()));
             ExecutorService ex = Fifos.threads()) {
            Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
            Fifos.get(Fifos.writeAll(ex, in.path(), Framing.MESG, sent), LIMIT);
            assertThat(near.await(LIMIT)).isTrue();
            assertThat(Fifos.get(read, LIMIT)).isEqualTo(sent);
        }
    }

    @Test
    void aClientWithACertificateTheCaNeverSignedIsRejectedAndTheListenerGoesOn() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = server(out.path());
             FifoBridge rogue = client(in.path(), far.localPort(),
                     BridgeTls.pem(certs.rogueCert(), certs.rogueKey()).trust(certs.ca()))) {
            assertThatThrownBy(() -> rogue.await(LIMIT)).isInstanceOf(IOException.class);
            assertThat(far.stats().connections()).isZero();
            assertThat(far.isDone()).isFalse();
        }
    }

    @Test
    void aClientWithoutACertificateIsRejected() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = server(out.path());
             FifoBridge anonymous = client(in.path(), far.localPort(), BridgeTls.client().trust(certs.ca()))) {
            assertThatThrownBy(() -> anonymous.await(LIMIT)).isInstanceOf(IOException.class);
            assertThat(far.stats().connections()).isZero();
        }
    }

    @Test
    void aPlaintextClientCannotTalkToATlsListener() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = server(out.path());
             FifoBridge plain = client(in.path(), far.localPort(), null)) {
            assertThatThrownBy(() -> plain.await(LIMIT)).isInstanceOf(IOException.class);
            assertThat(far.stats().connections()).isZero();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheServerRefusesIt() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = server(out.path());
             FifoBridge near = client(in.path(), far.localPort(),
                     BridgeTls.pem(certs.clientCert(), certs.clientKey()).trust(certs.rogueCert()))) {
            assertThatThrownBy(() -> near.await(LIMIT)).isInstanceOf(BridgeException.class)
                    .hasMessageContaining("TLS handshake failed");
        }
    }

    @Test
    void badKeyMaterialIsATypedErrorNamingTheFile() throws Exception {
        Path rsaOld = dir.resolve("old.key");
        Files.writeString(rsaOld, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        Fifo.create(dir.resolve("x.fifo")).keep().close();
        FifoBridge b = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                        BridgeAddress.parse("fifo:" + dir.resolve("x.fifo")), BridgeOptions.defaults()
                .tls(BridgeTls.pem(certs.serverCert(), rsaOld)));
        assertThatThrownBy(b::start).isInstanceOf(BridgeException.class)
                .hasMessageContaining(rsaOld.toString()).hasMessageContaining("PKCS#8");
        FifoBridge missing = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                        BridgeAddress.parse("fifo:" + dir.resolve("x.fifo")), BridgeOptions.defaults()
                .tls(BridgeTls.pem(dir.resolve("nope.crt"), certs.serverKey())));
        assertThatThrownBy(missing::start).isInstanceOf(BridgeException.class).hasMessageContaining("nope.crt");
    }
}
