package dev.fifokit.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * One request as a {@link RequestHandler} sees it: the payload, who sent it, and when the
 * server will give up on it. The payload array is the handler's own (not shared).
 */
public final class Request {
    private final byte[] payload;
    private final ClientIdentity client;
    private final long deadlineNanos;
    private final Instant deadline;

    Request(byte[] payload, ClientIdentity client, long deadlineNanos) {
        this.payload = payload;
        this.client = client;
        this.deadlineNanos = deadlineNanos;
        this.deadline = Instant.now().plusNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** The request bytes (at most PIPE_BUF - 16). */
    public byte[] payload() {
        return payload;
    }

    /** The payload decoded as UTF-8. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The client's id (pid) and uid. */
    public ClientIdentity client() {
        return client;
    }

    /** When the server stops waiting for the handler and answers with a deadline error. */
    public Instant deadline() {
        return deadline;
    }

    /** Time left before {@link #deadline()}, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    @Override
    public String toString() {
        return "Request[client=" + client + ", " + payload.length + " bytes]";
    }
}
