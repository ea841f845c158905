package dev.fifokit.cli;

import dev.fifokit.server.FifoServer;
import dev.fifokit.server.ServerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code fifokit serve DIR -- COMMAND [ARG...]}: a request/response server over FIFOs that runs
 * COMMAND per request, like inetd. SIGTERM or SIGINT stops it gracefully
 * (in-flight requests finish, {@code server.fifo} is removed) with exit status 0.
 */
@Command(name = "serve", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        customSynopsis = "fifokit serve [-q] [--shared] [-d DUR] [-g DUR] [-j N] [-m MODE] DIR -- COMMAND [ARG...]",
        description = {"Serve requests sent to DIR/server.fifo, running COMMAND once per request.",
                "The request is COMMAND's standard input and its standard output the reply; a non-zero exit "
                        + "makes the reply an error carrying its standard error. COMMAND sees "
                        + "FIFOKIT_CLIENT_PID and FIFOKIT_CLIENT_UID.",
                "DIR is created (0700) when missing; an existing DIR must be yours. With --shared, other "
                        + "users may send requests too: DIR is made 1733 and server.fifo 0622, and only "
                        + "token-form requests are accepted.",
                "One server per DIR. SIGTERM or SIGINT stop it gracefully (exit 0): requests in flight get "
                        + "the grace period to finish (then an error reply); server.fifo and server.lock are "
                        + "removed.",
                "DIR may also be fd:N or listen:NAME: a server.fifo inherited already open (a parent's "
                        + "exec 3<>DIR/server.fifo, or a service manager's ListenFIFO=); its directory is served, "
                        + "and the FIFO is neither created nor removed.",
                "Protocol: docs/server-protocol.md.", ""},
        footer = {"", "Example:  fifokit serve /tmp/upper -- tr a-z A-Z",
                "          fifokit request /tmp/upper hello"})
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-d", "--deadline"}, paramLabel = "DUR", converter = DurationConverter.class,
            defaultValue = "30s", description = "Longest time one request may take; then COMMAND is killed and"
                    + " the client gets an error (default: 30s).")
    Duration deadline;

    @Option(names = {"-g", "--grace"}, paramLabel = "DUR", converter = DurationConverter.class,
            defaultValue = "5s", description = "On SIGTERM/SIGINT, how long requests in flight may still take (default: 5s).")
    Duration grace;

    @Option(names = {"-j", "--max-in-flight"}, paramLabel = "N", defaultValue = "64",
            description = "Commands running at once (default: 64); more requests wait.")
    int maxInFlight;

    @Option(names = {"-m", "--mode"}, paramLabel = "MODE",
            description = "Permission bits of server.fifo, octal (default: 0600, only you may send; 0622 with --shared).")
    String mode;

    @Option(names = "--shared", description = "Serve other users too (DIR 1733, server.fifo 0622, token-form requests only).")
    boolean shared;

    @Option(names = {"-q", "--quiet"}, description = "Do not report discarded garbage and dropped requests on stderr.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory to serve in, or fd:N / listen:NAME"
            + " for an inherited server.fifo.")
    Path dir;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command run per request (after --).")
    List<String> command;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!command.isEmpty() && command.getFirst().equals("--")) {
            command = command.subList(1, command.size()); // `serve DIR -- COMMAND`: options end at DIR anyway
        }
        if (command.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'COMMAND'");
        }
        PrintStream err = System.err;
        ServerOptions options = ServerOptions.defaults()
                .requestDeadline(deadline)
                .gracePeriod(grace.isZero() || grace.isNegative() ? Duration.ofMillis(1) : grace)
                .maxInFlight(positive(maxInFlight, "--max-in-flight"))
                .shared(shared);
        if (mode != null) {
            options = options.fifoMode(octal(mode));
        }
        options = options.log(quiet ? line -> { } : line -> {
                    synchronized (err) {
                        err.println("fifokit: " + line);
                        err.flush();
                    }
                });
        ServerOptions chosen = options;
        // SIGTERM/SIGINT run the shutdown hooks: stop gracefully there, then end with status 0.
        // Registered before binding, so a signal that comes at any moment is handled the same.
        AtomicReference<FifoServer> running = new AtomicReference<>();
        Object binding = new Object();
        Thread stop = new Thread(() -> {
            FifoServer s;
            synchronized (binding) { // a signal during bind waits for it: then stop what it started
                s = running.get();
            }
            if (s != null) {
                s.close();
            }
            System.out.flush();
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "fifokit-serve-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        FifoServer server;
        try {
            synchronized (binding) {
                server = Endpoints.isDescriptor(dir)
                        ? FifoServer.adopt(Endpoints.reader(dir, dev.fifokit.ends.ReaderOptions.defaults()),
                                new CommandHandler(command, err), chosen)
                        : FifoServer.bind(dir, new CommandHandler(command, err), chosen);
                running.set(server);
            }
            server.awaitTermination();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException signalled) {
                // a signal is stopping us: the hook finishes and exits 0
            }
        }
        if (server.failure() != null) {
            throw server.failure();
        }
        return ExitCodes.OK;
    }

    private int positive(int n, String option) {
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at least 1: " + n);
        }
        return n;
    }

    private int octal(String text) {
        try {
            int m = Integer.parseInt(text, 8);
            if ((m & ~0777) == 0) {
                return m;
            }
        } catch (NumberFormatException e) {
            // fall through to the usage error
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--mode must be octal permission bits: " + text);
    }
}
