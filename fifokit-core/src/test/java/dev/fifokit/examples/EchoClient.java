package dev.fifokit.examples;

import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Library example: Stevens' echo client. It waits for the server to open the FIFO, then
 * sends each text as one message: in {@link Framing#MESG} one {@code struct mymesg} of type 1
 * (one atomic write), in {@link Framing#LINE} one line.
 *
 * <pre>{@code java dev.fifokit.examples.EchoClient mesg /tmp/echo.fifo "hello"}</pre>
 */
public final class EchoClient {
    private EchoClient() {}

    public static void main(String[] args) throws IOException {
        send(Path.of(args[1]), Framing.parse(args[0]), Arrays.asList(args).subList(2, args.length));
    }

    /** Sends each of {@code texts} to the server at {@code path}. */
    public static void send(Path path, Framing framing, List<String> texts) throws IOException {
        try (FifoWriter end = FifoWriter.open(path, WriterOptions.defaults());
             MessageWriter out = MessageWriter.of(end, framing)) {
            for (String text : texts) {
                out.send(Message.of(1, text));
            }
        }
    }
}
