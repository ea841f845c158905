package dev.fifokit.cli;

import dev.fifokit.server.ReplySink;
import dev.fifokit.server.Request;
import dev.fifokit.server.RequestHandler;
import dev.fifokit.server.RequestRejectedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * At the request's deadline the command and its descendants are killed.
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
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("FIFOKIT_CLIENT_PID", Long.toString(request.client().pid()));
        pb.environment().put("FIFOKIT_CLIENT_UID", Integer.toUnsignedString(request.client().uid()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            log.println("fifokit: " + command.getFirst() + ": cannot run: " + e.getMessage());
            log.flush();
            throw new RequestRejectedException(command.getFirst() + ": cannot run the server's command");
        }
        try {
            Thread feed = Thread.ofVirtual().start(() -> feed(p.getOutputStream(), request.payload()));
            Pump out = new Pump(p.getInputStream(), HOLD_BYTES, reply);
            Pump err = new Pump(p.getErrorStream(), STDERR_BYTES, null);
            Thread outThread = Thread.ofVirtual().start(out);
            Thread errThread = Thread.ofVirtual().start(err);
            int status = p.waitFor();
            // a background child may keep the pipes open: wait for them only until the deadline
            long left = request.remaining().toNanos();
            if (!outThread.join(java.time.Duration.ofNanos(left))
                    || !errThread.join(java.time.Duration.ofNanos(Math.max(1, request.remaining().toNanos())))) {
                kill(p);
                throw new InterruptedException("deadline");
            }
            feed.join();
            if (out.failure != null) {
                throw out.failure;
            }
            String errText = err.held.toString(StandardCharsets.UTF_8) + (err.cut ? "\n[stderr cut at " + STDERR_BYTES + " bytes]\n" : "");
            if (status != 0) {
                throw new RequestRejectedException(errText.isEmpty()
                        ? command.getFirst() + " exited with status " + status : errText);
            }
            if (!errText.isEmpty()) {
                log.print(errText);
                log.flush();
            }
            out.finish();
        } finally {
            if (p.isAlive()) {
                kill(p);
            }
        }
    }

    private static void feed(OutputStream in, byte[] payload) {
        try (in) {
            in.write(payload);
        } catch (IOException ignored) {
            // the command did not read its input: that is its business
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads one of the command's outputs: holds up to {@code hold} bytes; past that, streams
     * into {@code sink} when there is one (stdout), else keeps the first bytes and notes the cut.
     */
    private static final class Pump implements Runnable {
        private final InputStream in;
        private final int hold;
        private final ReplySink sink;
        final ByteArrayOutputStream held = new ByteArrayOutputStream();
        boolean cut;
        private boolean streaming;
        volatile IOException failure;

        Pump(InputStream in, int hold, ReplySink sink) {
            this.in = in;
            this.hold = hold;
            this.sink = sink;
        }

        @Override
        public void run() {
            byte[] buf = new byte[16 * 1024];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
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
