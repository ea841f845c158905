package dev.fifokit.examples;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.testing.CPeer;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library examples against Stevens' C echo programs (UNIX Network Programming vol. 2
 * ch. 4; compiled here with gcc), in both framings: C client to Java server, Java client to C
 * server, and the bytes on the wire.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoInteropTest {
    private static final String TEXT = "Hello from Stevens!\tПривет, こんにちは";

    @TempDir
    static Path bin;

    @TempDir
    Path dir;

    @BeforeAll
    static void compile() throws Exception {
        for (String name : List.of("fifo_echo_server", "fifo_echo_client", "mesg_echo_server", "mesg_echo_client")) {
            CPeer.compile(bin, name, CPeer.resource("/c/" + name + ".c"));
        }
    }

    static String cProgram(Framing f, String side) {
        return bin.resolve((f == Framing.MESG ? "mesg_echo_" : "fifo_echo_") + side).toString();
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void cClientToJavaServerPrintsWhatTheCServerPrints(Framing f) throws Exception {
        byte[] input = (TEXT + "\n").getBytes(StandardCharsets.UTF_8);
        try (Processes procs = new Processes()) {
            Path fifo = dir.resolve("java.fifo");
            ByteArrayOutputStream javaOut = new ByteArrayOutputStream();
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try {
                    EchoServer.serve(fifo, f, true, javaOut);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            awaitFifo(fifo);
            Process client = procs.start(cProgram(f, "client"), fifo.toString());
            client.getOutputStream().write(input);
            client.getOutputStream().close();
            assertThat(Processes.waitFor(client, 20)).isZero();
            server.get(20, TimeUnit.SECONDS);

            // the reference: the same C client against Stevens' C server
            Path cFifo = dir.resolve("c.fifo");
            Fifo.create(cFifo).keep().close();
            Process cServer = procs.start(cProgram(f, "server"), cFifo.toString());
            Process cClient = procs.start(cProgram(f, "client"), cFifo.toString());
            cClient.getOutputStream().write(input);
            cClient.getOutputStream().close();
            byte[] cOut = cServer.getInputStream().readAllBytes();
            assertThat(Processes.waitFor(cServer, 20)).isZero();
            assertThat(Processes.waitFor(cClient, 20)).isZero();

            assertThat(cOut).asString(StandardCharsets.UTF_8).isEqualTo(TEXT + "\n");
            assertThat(javaOut.toByteArray()).isEqualTo(cOut);
        }
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void javaClientToCServer(Framing f) throws Exception {
        try (Processes procs = new Processes();
             Fifo fifo = Fifo.create(dir.resolve("c.fifo"))) {
            Process server = procs.start(cProgram(f, "server"), fifo.path().toString());
            EchoClient.send(fifo.path(), f, List.of(TEXT));
            byte[] out = server.getInputStream().readAllBytes();
            assertThat(Processes.waitFor(server, 20)).isZero();
            assertThat(out).asString(StandardCharsets.UTF_8).isEqualTo(TEXT + "\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void javaClientWritesTheSameBytesAsTheCClient(Framing f) throws Exception {
        try (Processes procs = new Processes();
             Fifo fifo = Fifo.create(dir.resolve("wire.fifo"))) {
            byte[] fromC;
            try (FifoReader in = fifo.openReader(ReaderOptions.defaults().awaitWriter(false))) {
                Process client = procs.start(cProgram(f, "client"), fifo.path().toString());
                client.getOutputStream().write((TEXT + "\n").getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().close();
                fromC = readUntilEof(in);
                assertThat(Processes.waitFor(client, 20)).isZero();
            }
            byte[] fromJava;
            try (FifoReader in = fifo.openReader(ReaderOptions.defaults().awaitWriter(false))) {
                CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
                    try {
                        EchoClient.send(fifo.path(), f, List.of(TEXT));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                fromJava = readUntilEof(in);
                client.get(20, TimeUnit.SECONDS);
            }
            int expected = TEXT.getBytes(StandardCharsets.UTF_8).length + (f == Framing.MESG ? 16 : 1);
            assertThat(fromC).hasSize(expected);
            assertThat(fromJava).isEqualTo(fromC);
        }
    }

    private static byte[] readUntilEof(FifoReader in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        // the reader was opened before any writer: the first read waits for one
        for (int n; (n = in.read(buf, 0, buf.length)) != -1; ) {
            out.write(buf, 0, Math.max(n, 0));
        }
        return out.toByteArray();
    }

    private static void awaitFifo(Path fifo) throws InterruptedException {
        for (int i = 0; i < 500 && !java.nio.file.Files.exists(fifo); i++) {
            Thread.sleep(10);
        }
    }
}
