package dev.fifokit.cli;

import dev.fifokit.bridge.Bridge;
import dev.fifokit.bridge.BridgeAddress;
import dev.fifokit.bridge.BridgeAddresses;
import dev.fifokit.bridge.BridgeFormat;
import dev.fifokit.bridge.BridgeOptions;
import dev.fifokit.bridge.BridgeTls;
import dev.fifokit.bridge.UndeliveredException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** {@code fifokit bridge}: a FIFO across machines (see docs/bridge.md). */
@Command(name = "bridge", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Move data from LEFT to RIGHT across a TCP or Unix-domain socket, with TLS.",
                "Addresses: fifo:PATH, - (stdin/stdout), tcp-listen:[HOST:]PORT,",
                "tcp:HOST:PORT, unix-listen:PATH, unix:PATH. One end is a FIFO or -.",
                "--format mesg|line: whole messages cross the link, numbered and",
                "acknowledged; a dropped link loses and duplicates none, and each is",
                "written to the far FIFO as one atomic write. raw: plain bytes (as socat).",
                "Plaintext TCP is allowed on loopback only, unless --plaintext.",
                "SIGTERM/SIGINT: a sending side delivers what it has read within --grace.",
                "",
                "Host A: fifokit bridge --format mesg --tls-cert a.crt --tls-key a.key",
                "          --tls-ca ca.crt --tls-verify-client",
                "          fifo:/run/in.fifo tcp-listen:9000",
                "Host B: fifokit bridge --format mesg --reconnect --tls-cert b.crt",
                "          --tls-key b.key --tls-ca ca.crt tcp:A:9000 fifo:/run/out.fifo"},
        footer = {"", "Exit codes: 0 done (or stopped by SIGINT/SIGTERM with everything delivered), 1 failure "
                + "(or messages read and not delivered), 2 usage, 3 connection refused (without --reconnect), "
                + "141 broken pipe."})
final class BridgeCommand implements Callable<Integer> {

    /**
     * The address kinds this command understands: the bridge's own, and any another module
     * registers (one {@code .with(kind)} each).
     */
    static BridgeAddresses addresses() {
        return BridgeAddresses.standard();
    }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "raw",
            converter = FormatConverter.class, completionCandidates = StreamFormat.Names.class,
            description = "raw (bytes, default), mesg or line (whole messages, acknowledged).")
    BridgeFormat format;

    @Option(names = "--reconnect",
            description = "Dial again, with exponential backoff, when the link drops or cannot be made.")
    boolean reconnect;

    @Option(names = "--follow", description = "Keep reading a FIFO source as writers come and go.")
    boolean follow;

    @Option(names = "--tls", description = "TLS on the TCP end (implied by any --tls-* option).")
    boolean tls;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "This side's certificate chain (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "This side's private key (unencrypted PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "Certificates that verify the peer (default: the JDK's authorities).")
    Path tlsCa;

    @Option(names = "--tls-verify-client", description = "A listener requires client certificates that --tls-ca verifies.")
    boolean tlsVerifyClient;

    @Option(names = "--plaintext", description = "Allow TCP without TLS on an address that is not loopback.")
    boolean plaintext;

    @Option(names = "--max-payload", paramLabel = "BYTES",
            description = "Largest message (default PIPE_BUF - 16, so that each is one atomic write).")
    Integer maxPayload;

    @Option(names = "--exclusive",
            description = "The FIFO written has no other writer: messages over PIPE_BUF are allowed (several writes).")
    boolean exclusive;

    @Option(names = "--replay-messages", paramLabel = "N", defaultValue = "1024",
            description = "Unacknowledged messages held for replay before the FIFO is no longer read (default 1024).")
    int replayMessages;

    @Option(names = "--replay-bytes", paramLabel = "BYTES", defaultValue = "4194304",
            description = "Unacknowledged payload bytes held for replay (default 4 MiB).")
    long replayBytes;

    @Option(names = {"-g", "--grace"}, paramLabel = "DUR", converter = DurationConverter.class, defaultValue = "5s",
            description = "On SIGTERM/SIGINT, how long messages already read may take to be acknowledged (default 5s).")
    Duration grace;

    @Option(names = "--resume-window", paramLabel = "DUR", converter = DurationConverter.class, defaultValue = "30s",
            description = "A listener that sends keeps a vanished client's unacknowledged messages this long "
                    + "before giving them to other clients (default 30s).")
    Duration resumeWindow;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "1024",
            description = "A listener keeps the sessions of at most N far sides; past it new ones are refused "
                    + "as busy (default 1024).")
    int maxSessions;

    @Option(names = "--handshake-timeout", paramLabel = "DUR", converter = DurationConverter.class, defaultValue = "10s",
            description = "The whole time a peer has to connect, finish TLS and the handshake (default 10s).")
    Duration handshakeTimeout;

    @Option(names = {"-v", "--verbose"}, description = "Report links coming and going on stderr.")
    boolean verbose;

    @Parameters(index = "0", paramLabel = "LEFT", description = "Where data comes from.")
    String left;

    @Parameters(index = "1", paramLabel = "RIGHT", description = "Where data goes.")
    String right;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException, CliException {
        PrintStream err = System.err;
        Bridge bridge;
        try {
            BridgeAddresses table = addresses();
            BridgeOptions o = BridgeOptions.defaults()
                    .format(format)
                    .reconnect(reconnect)
                    .follow(follow)
                    .plaintext(plaintext)
                    .replayLimit(replayMessages, replayBytes)
                    .resumeWindow(resumeWindow)
                    .maxSessions(maxSessions)
                    .handshakeTimeout(handshakeTimeout);
            if (maxPayload != null) {
                o = o.maxPayload(maxPayload);
            }
            if (exclusive) {
                o = o.exclusiveWriter();
            }
            if (verbose) {
                o = o.log(line -> {
                    synchronized (err) {
                        err.println("fifokit: bridge: " + line);
                        err.flush();
                    }
                });
            }
            BridgeTls t = tls();
            if (t != null) {
                o = o.tls(t);
            }
            BridgeAddress from = table.parse(left);
            BridgeAddress to = table.parse(right);
            bridge = table.open(from, to, o);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // SIGTERM/SIGINT: a graceful stop; exit 0 when everything read was delivered, else say how
        // many messages were not and exit 1
        AtomicReference<Bridge> running = new AtomicReference<>();
        Object starting = new Object();
        Thread stop = new Thread(() -> {
            Bridge r;
            synchronized (starting) {
                r = running.get();
            }
            int code = ExitCodes.OK;
            if (r != null) {
                try {
                    r.stop(grace);
                } catch (UndeliveredException e) {
                    err.println("fifokit: " + e.getMessage());
                    code = ExitCodes.FAILURE;
                } catch (InterruptedException | RuntimeException e) {
                    err.println("fifokit: bridge: the graceful stop failed: " + e);
                    code = ExitCodes.FAILURE;
                }
            }
            err.flush();
            Runtime.getRuntime().halt(code);
        }, "fifokit-bridge-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            synchronized (starting) {
                bridge.start();
                running.set(bridge);
            }
            bridge.await();
            return ExitCodes.OK;
        } catch (IOException e) {
            if (refused(e)) {
                throw new CliException(e.getMessage(), ExitCodes.PEER_ABSENT);
            }
            throw e;
        } finally {
            bridge.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException signalled) {
                // a signal is stopping us: the hook finishes and sets the status
            }
        }
    }

    /** The far side refused the connection (nobody listens): exit 3, as a missing peer elsewhere. */
    private static boolean refused(Throwable e) {
        if (e instanceof UndeliveredException) {
            return false; // messages were lost: a failure, whatever the cause
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private BridgeTls tls() {
        boolean any = tls || tlsCert != null || tlsKey != null || tlsCa != null || tlsVerifyClient;
        if (!any) {
            return null;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsVerifyClient && tlsCa == null) {
            throw new IllegalArgumentException("--tls-verify-client needs --tls-ca (the certificates that verify clients)");
        }
        BridgeTls t = tlsCert != null ? BridgeTls.pem(tlsCert, tlsKey) : BridgeTls.client();
        if (tlsCa != null) {
            t = t.trust(tlsCa);
        }
        if (tlsVerifyClient) {
            t = t.requireClientCertificate();
        }
        return t;
    }

    /** raw, mesg or line; anything else is a usage error. */
    static final class FormatConverter implements CommandLine.ITypeConverter<BridgeFormat> {
        @Override
        public BridgeFormat convert(String value) {
            try {
                return BridgeFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
