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

    @Test
    void requiringClientCertificatesWithoutTrustedOnesIsRefused() {
        BridgeAddress fifo = BridgeAddress.parse("fifo:/tmp/x");
        BridgeTls noTrust = BridgeTls.pem(Path.of("c"), Path.of("k")).requireClientCertificate();
        assertThatThrownBy(() -> FifoBridge.of(fifo, BridgeAddress.parse("tcp-listen:9000"),
                BridgeOptions.defaults().tls(noTrust))).hasMessageContaining("--tls-ca");
        FifoBridge.of(fifo, BridgeAddress.parse("tcp-listen:9000"),
                BridgeOptions.defaults().tls(noTrust.trust(Path.of("ca"))));
    }

    @Test
    void anUnresolvableHostIsSaidToBeOneAndTheSameFifoTwiceIsRefused(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        BridgeAddress fifo = BridgeAddress.parse("fifo:/tmp/x");
        assertThatThrownBy(() -> FifoBridge.of(fifo, BridgeAddress.parse("tcp:no-such-host.invalid:9000"),
                BridgeOptions.defaults())).hasMessageContaining("cannot resolve host 'no-such-host.invalid'");
        Path f = dir.resolve("f");
        dev.fifokit.files.Fifo.create(f).keep().close();
        assertThatThrownBy(() -> FifoBridge.of(BridgeAddress.parse("fifo:" + f), BridgeAddress.parse("fifo:" + f),
                BridgeOptions.defaults())).hasMessageContaining("the same FIFO");
        java.nio.file.Files.createSymbolicLink(dir.resolve("g"), f);
        assertThatThrownBy(() -> FifoBridge.of(BridgeAddress.parse("fifo:" + f), BridgeAddress.parse("fifo:" + dir.resolve("g")),
                BridgeOptions.defaults())).hasMessageContaining("the same FIFO");
    }

    /** A kind as another module would add it: its own address type, parsed, described and opened through the table. */
    record Echo(String text) implements BridgeAddress {
        static final AddressKind KIND = new AddressKind() {
            @Override
            public String keyword() {
                return "echo";
            }

            @Override
            public String syntax() {
                return "echo://TEXT";
            }

            @Override
            public String summary() {
                return "a far end of a test";
            }

            @Override
            public Role role() {
                return Role.DIALS;
            }

            @Override
            public BridgeAddress parse(String text) {
                if (!text.startsWith("echo://")) {
                    throw new IllegalArgumentException(text + ": expected echo://TEXT");
                }
                return new Echo(text.substring(7));
            }

            @Override
            public Bridge open(BridgeAddress from, BridgeAddress to, BridgeOptions options) {
                return new Bridge() {
                    @Override
                    public Bridge start() {
                        return this;
                    }

                    @Override
                    public void await() {
                    }

                    @Override
                    public boolean await(java.time.Duration limit) {
                        return true;
                    }

                    @Override
                    public boolean isDone() {
                        return true;
                    }

                    @Override
                    public void stop(java.time.Duration grace) {
                    }

                    @Override
                    public void close() {
                    }

                    @Override
                    public String toString() {
                        return "echo bridge " + from + " -> " + to;
                    }
                };
            }
        };

        @Override
        public AddressKind kind() {
            return KIND;
        }

        @Override
        public String toString() {
            return "echo://" + text;
        }
    }

    @Test
    void aKindFromAnotherModuleIsOneEntryOfTheTable() {
        BridgeAddresses table = BridgeAddresses.standard().with(Echo.KIND);
        BridgeAddress far = table.parse("echo://hello");
        assertThat(far).isEqualTo(new Echo("hello"));
        assertThat(far.isLocal()).isFalse();
        assertThat(table.syntaxes()).contains("fifo:PATH", "echo://TEXT");
        Bridge b = table.open(table.parse("fifo:/tmp/x"), far, BridgeOptions.defaults());
        assertThat(b.toString()).isEqualTo("echo bridge fifo:/tmp/x -> echo://hello");
        assertThat(table.open(table.parse("fifo:/tmp/x"), table.parse("tcp:127.0.0.1:9"), BridgeOptions.defaults()))
                .isInstanceOf(FifoBridge.class);
        assertThatThrownBy(() -> BridgeAddresses.standard().parse("echo://x")).hasMessageContaining("unknown address type 'echo'");
        assertThatThrownBy(() -> table.with(Echo.KIND)).hasMessageContaining("already");
        assertThatThrownBy(() -> FifoBridge.of(table.parse("fifo:/tmp/x"), far, BridgeOptions.defaults()))
                .hasMessageContaining("not one FifoBridge opens");
        assertThatThrownBy(() -> table.open(far, table.parse("tcp:127.0.0.1:9"), BridgeOptions.defaults()))
                .hasMessageContaining("one end must be local");
    }
}
