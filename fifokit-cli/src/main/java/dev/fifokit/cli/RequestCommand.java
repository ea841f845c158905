package dev.fifokit.cli;

import dev.fifokit.server.ErrorReplyException;
import dev.fifokit.server.FifoClient;
import dev.fifokit.server.NoServerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code fifokit request}: one request to a {@code fifokit serve} server. */
@Command(name = "request", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Send one request to the server in DIR and print its reply.",
                "The request is DATA, or standard input without DATA (any size: over 4080 bytes it "
                        + "travels through a request FIFO of its own). The reply comes through "
                        + "DIR/client.<pid>.fifo, or a FIFO with a secret name for a shared server or a "
                        + "large request (docs/server-protocol.md).", ""},
        footer = {"", "Exit codes: 0 reply printed; 1 error reply (its text on stderr) or failure; "
                + "3 no server in DIR; 124 no complete reply within -t."})
final class RequestCommand implements Callable<Integer> {
    @Option(names = {"-t", "--timeout"}, paramLabel = "DUR", converter = DurationConverter.class,
            defaultValue = "30s", description = "Give up (exit 124) without a complete reply within DUR (default: 30s).")
    Duration timeout;

    @Parameters(index = "0", paramLabel = "DIR", description = "The server's directory.")
    Path dir;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DATA", description = "The request (default: standard input).")
    String data;

    @Override
    public Integer call() throws IOException, CliException {
        byte[] request = data != null ? data.getBytes(StandardCharsets.UTF_8) : System.in.readAllBytes();
        PrintStream out = System.out;
        try {
            FifoClient.of(dir).timeout(timeout).request(request, part -> {
                out.write(part);
                out.flush();
            });
            return ExitCodes.OK;
        } catch (ErrorReplyException e) {
            out.flush();
            String text = e.text();
            System.err.print(text.isEmpty() || text.endsWith("\n") ? text : text + "\n");
            System.err.flush();
            return ExitCodes.FAILURE;
        } catch (NoServerException e) {
            throw new CliException(e.getMessage(), ExitCodes.PEER_ABSENT);
        }
    }
}
