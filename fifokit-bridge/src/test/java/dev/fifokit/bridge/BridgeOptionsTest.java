package dev.fifokit.bridge;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Addresses and the rules that hold before anything is opened. */
class BridgeOptionsTest {

    @Test
    void addressesParseInSocatsVocabulary() {
        assertThat(BridgeAddress.parse("fifo:/run/in.fifo")).isEqualTo(new BridgeAddress.Fifo(Path.of("/run/in.fifo")));
        assertThat(BridgeAddress.parse("-")).isEqualTo(new BridgeAddress.Stdio());
        assertThat(BridgeAddress.parse("tcp-listen:9000")).isEqualTo(new BridgeAddress.TcpListen(null, 9000));
        assertThat(BridgeAddress.parse("TCP-LISTEN:127.0.0.1:9000")).isEqualTo(new BridgeAddress.TcpListen("127.0.0.1", 9000));
        assertThat(BridgeAddress.parse("tcp:[::1]:9000")).isEqualTo(new BridgeAddress.Tcp("::1", 9000));
        assertThat(BridgeAddress.parse("tcp:host.example:9000")).isEqualTo(new BridgeAddress.Tcp("host.example", 9000));
        assertThat(BridgeAddress.parse("unix:/run/b.sock")).isEqualTo(new BridgeAddress.Unix(Path.of("/run/b.sock")));
        assertThat(BridgeAddress.parse("unix-listen:/run/b.sock")).isEqualTo(new BridgeAddress.UnixListen(Path.of("/run/b.sock")));
        assertThat(BridgeAddress.parse("tcp:[::1]:9000").toString()).isEqualTo("tcp:[::1]:9000");
    }

    @Test
    void badAddressesSayWhatIsWrong() {
        assertThatThrownBy(() -> BridgeAddress.parse("udp:1.2.3.4:5")).hasMessageContaining("unknown address type 'udp'");
        assertThatThrownBy(() -> BridgeAddress.parse("tcp:9000")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> BridgeAddress.parse("tcp:h:99999")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> BridgeAddress.parse("tcp:::1:9000")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> BridgeAddress.parse("fifo:")).hasMessageContaining("path is missing");
        assertThatThrownBy(() -> BridgeAddress.parse("/tmp/x")).hasMessageContaining("not an address");
        assertThatThrownBy(() -> BridgeAddress.parse("tcp:h:0")).hasMessageContaining("port 0");
    }

    @Test
    void plaintextTcpIsAllowedOnLoopbackOnlyUnlessAsked() {
        BridgeAddress fifo = BridgeAddress.parse("fifo:/tmp/x");
        assertThatThrownBy(() -> FifoBridge.of(fifo, BridgeAddress.parse("tcp-listen:9000"), BridgeOptions.defaults()))
                .hasMessageContaining("plaintext");
        assertThatThrownBy(() -> FifoBridge.of(fifo, BridgeAddress.parse("tcp:192.0.2.1:9000"), BridgeOptions.defaults()))
                .hasMessageContaining("plaintext");
        FifoBridge.of(fifo, BridgeAddress.parse("tcp-listen:9000"), BridgeOptions.defaults().plaintext(true));
        FifoBridge.of(fifo, BridgeAddress.parse("tcp-listen:127.0.0.1:9000"), BridgeOptions.defaults());
        FifoBridge.of(fifo, BridgeAddress.parse("tcp:[::1]:9000"), BridgeOptions.defaults());
        FifoBridge.of(fifo, BridgeAddress.parse("tcp:localhost:9000"), BridgeOptions.defaults());
        FifoBridge.of(fifo, BridgeAddress.parse("tcp-listen:9000"), BridgeOptions.defaults().tls(BridgeTls.pem(Path.of("c"), Path.of("k"))));
    }

    @Test
    void aFifoEndThatIsMissingOrNotAFifoFailsAtStartNamingThePath(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path missing = dir.resolve("missing.fifo");
        FifoBridge b = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                BridgeAddress.parse("fifo:" + missing), BridgeOptions.defaults().format(BridgeFormat.MESG));
        assertThatThrownBy(b::start).isInstanceOf(dev.fifokit.NoSuchFifoException.class)
                .hasMessageContaining(missing.toString());
        assertThat(b.isDone()).isTrue();
        Path file = java.nio.file.Files.createFile(dir.resolve("regular"));
        FifoBridge c = FifoBridge.of(BridgeAddress.parse("fifo:" + file),
                BridgeAddress.parse("tcp:127.0.0.1:9"), BridgeOptions.defaults());
        assertThatThrownBy(c::start).isInstanceOf(dev.fifokit.NotAFifoException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void endsThatCannotWorkTogetherAreRefused() {
        BridgeAddress fifo = BridgeAddress.parse("fifo:/tmp/x");
        assertThatThrownBy(() -> FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:1"),
                BridgeAddress.parse("tcp:127.0.0.1:2"), BridgeOptions.defaults())).hasMessageContaining("one end must be a FIFO");
        assertThatThrownBy(() -> FifoBridge.of(fifo, BridgeAddress.parse("unix:/tmp/s"), BridgeOptions.defaults()
                .tls(BridgeTls.client()))).hasMessageContaining("TLS applies to tcp");
        assertThatThrownBy(() -> FifoBridge.of(fifo, BridgeAddress.parse("tcp-listen:9000"), BridgeOptions.defaults()
                .tls(BridgeTls.client()))).hasMessageContaining("needs a certificate");
        assertThatThrownBy(() -> FifoBridge.of(fifo, BridgeAddress.parse("tcp:localhost:9000"), BridgeOptions.defaults()
                .tls(BridgeTls.client().requireClientCertificate()))).hasMessageContaining("listener");
    }
}
