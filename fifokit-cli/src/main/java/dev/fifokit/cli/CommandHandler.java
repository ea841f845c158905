package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.Pipe;
import dev.fifokit.server.ReplySink;
import dev.fifokit.server.Request;
import dev.fifokit.server.RequestHandler;
import dev.fifokit.server.RequestRejectedException;
import dev.fifokit.spawn.ChildProcess;
import dev.fifokit.spawn.Spawn;
import dev.fifokit.spawn.SpawnException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code fifokit serve}'s handler, inetd-style: runs COMMAND once per request with the request
 * on its standard input and {@code FIFOKIT_CLIENT_PID} / {@code FIFOKIT_CLIENT_UID} in its
 * environment. Its standard output is the reply; exiting non-zero turns the reply into an
 * error carrying its standard error (or "COMMAND exited with status N" when it printed
 * nothing there).
 *
 * <p>Output is held back until the command exits, so that a failing command's reply is only
 * the error; past {@link #HOLD_BYTES} it is streamed to the client as it comes (a failure
 * after that follows the data). On success the command's stderr goes to the server's stderr.
 * At the request's deadline the command and its descendants are killed. The command is
 * started with posix_spawn (not {@link ProcessBuilder}), its three standard descriptors the
 * far ends of pipes made for it alone; every other descriptor of the server is closed in it.
 */
final class CommandHandler implements RequestHandler {
    /** Output kept back before streaming starts. */
    static final int HOLD_BYTES = 1 << 20;
    /** Error text kept for the reply; the rest is cut. */
    static final int STDERR_BYTES = 64 * 1024;

    private final List<String> command;
    private final PrintStream log;

    CommandHandler(List<String> command, PrintStream log) {
        this.command = List.copyOf(command);
        this.log = log;
    }

    @Override
    public void handle(Request request, ReplySink reply) throws Exception {
        // three pipes made for the child alone: it gets their far ends (handed over, so they
        // are closed here once it has them) and sees end of file and broken pipe as usual
        Pipe in = null;
        Pipe out = null;
        Pipe err = null;
        ChildProcess child;
        try {
            in = Pipe.open();
            out = Pipe.open();
            err = Pipe.open();
            child = Spawn.command(command)
                    .handOver(0, in.reader()).handOver(1, out.writer()).handOver(2, err.writer())
                    .env("FIFOKIT_CLIENT_PID", Long.toString(request.client().pid()))
                    .env("FIFOKIT_CLIENT_UID", Integer.toUnsignedString(request.client().uid()))
                    .start();
        } catch (SpawnException e) {
            closeAll(in, out, err);
            log.println("fifokit: " + e.getMessage());
            log.flush();
            throw new RequestRejectedException(command.getFirst() + ": cannot run the server's command");
        } catch (IOException | RuntimeException e) {
            closeAll(in, out, err);
            throw e;
        }
        try (child) {
            FifoWriter input = in.writer();
            Thread feed = Thread.ofVirtual().start(() -> feed(input, request.payload()));
            Pump stdout = new Pump(out.reader(), HOLD_BYTES, reply);
            Pump stderr = new Pump(err.reader(), STDERR_BYTES, null);
            Thread outThread = Thread.ofVirtual().start(stdout);
            Thread errThread = Thread.ofVirtual().start(stderr);
            int status = child.waitFor();
            // a background child may keep the pipes open: wait for them only until the deadline
            if (!outThread.join(request.remaining()) || !errThread.join(positive(request.remaining()))) {
                child.destroyTree();
                throw new InterruptedException("deadline");
            }
            feed.join();
            if (stdout.failure != null) {
                throw stdout.failure;
            }
            String errText = stderr.held.toString(StandardCharsets.UTF_8)
                    + (stderr.cut ? "\n[stderr cut at " + STDERR_BYTES + " bytes]\n" : "");
            if (status != 0) {
                throw new RequestRejectedException(errText.isEmpty()
                        ? command.getFirst() + " exited with status " + status : errText);
            }
            if (!errText.isEmpty()) {
                log.print(errText);
                log.flush();
            }
            stdout.finish();
        } finally {
            // closing our ends wakes the feeding and pumping threads; closing the child kills
            // what is left of it and reaps it
            if (child.isAlive()) {
                child.destroyTree();
            }
            closeAll(in, out, err);
        }
    }

    private static java.time.Duration positive(java.time.Duration d) {
        return d.isNegative() || d.isZero() ? java.time.Duration.ofNanos(1) : d;
    }

    private static void closeAll(Pipe... pipes) {
        for (Pipe p : pipes) {
            if (p != null) {
                try {
                    p.close();
                } catch (IOException ignored) {
                    // our own ends of pipes made for the child
                }
            }
        }
    }

    private static void feed(FifoWriter in, byte[] payload) {
        try (in) {
            in.write(payload);
        } catch (IOException ignored) {
            // the command did not read its input: that is its business
        }
    }

    /**
     * Reads one of the command's outputs: holds up to {@code hold} bytes; past that, streams
     * into {@code sink} when there is one (stdout), else keeps the first bytes and notes the cut.
     */
    private static final class Pump implements Runnable {
        private final FifoReader in;
        private final int hold;
        private final ReplySink sink;
        final ByteArrayOutputStream held = new ByteArrayOutputStream();
        boolean cut;
        private boolean streaming;
        volatile IOException failure;

        Pump(FifoReader in, int hold, ReplySink sink) {
            this.in = in;
            this.hold = hold;
            this.sink = sink;
        }

        @Override
        public void run() {
            byte[] buf = new byte[16 * 1024];
            try (in) {
                for (int n; (n = in.read(ByteBuffer.wrap(buf))) > 0; ) {
                    if (streaming) {
                        sink.send(buf, 0, n);
                    } else if (held.size() + n <= hold) {
                        held.write(buf, 0, n);
                    } else if (sink != null) {
                        streaming = true;
                        sink.send(held.toByteArray());
                        held.reset();
                        sink.send(buf, 0, n);
                    } else {
                        held.write(buf, 0, Math.max(0, hold - held.size()));
                        cut = true;
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        /** Sends what is still held (stdout of a command that succeeded). */
        void finish() throws IOException {
            if (held.size() > 0) {
                sink.send(held.toByteArray());
            }
        }
    }
}
