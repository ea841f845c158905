package dev.fifokit.examples;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;

/**
 * Library example: Stevens' echo server over one FIFO. It creates the FIFO if needed,
 * waits for a client, and prints each message's payload as one line on standard output
 * (escaped as in {@link Framing#LINE}, so plain text prints unchanged). With {@code once} it
 * ends when the first client closes; otherwise it waits for the next client.
 *
 * <pre>{@code java dev.fifokit.examples.EchoServer mesg /tmp/echo.fifo}</pre>
 */
public final class EchoServer {
    private EchoServer() {}

    public static void main(String[] args) throws IOException {
        serve(Path.of(args[1]), Framing.parse(args[0]), args.length > 2 && args[2].equals("--once"), System.out);
    }

    /** Serves {@code path} in {@code framing}, printing payloads to {@code stdout}. */
    public static void serve(Path path, Framing framing, boolean once, OutputStream stdout) throws IOException {
        try (Fifo fifo = Fifo.createOrReuse(path, 0600);
             FifoReader end = fifo.openReader(ReaderOptions.defaults());
             MessageReader in = MessageReader.of(end, framing);
             MessageWriter out = MessageWriter.of(Channels.newChannel(stdout), Framing.LINE,
                     MessageOptions.defaults().exclusiveWriter())) {
            while (true) {
                for (Message m; (m = in.receive()) != null; ) {
                    out.send(m);
                }
                if (once) {
                    return;
                }
                end.awaitNextWriter(null);
            }
        }
    }
}
