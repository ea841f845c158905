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

    /**
     * {@return the request bytes: at most PIPE_BUF - 16 for a request sent in one frame, up to
     * {@link ServerOptions#maxRequestBytes(long)} for a body sent through a request FIFO; the
     * handler's own array}
     */
    public byte[] payload() {
        return payload;
    }

    /** {@return the payload decoded as UTF-8 (malformed bytes become U+FFFD)} */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** {@return the client's id (pid) and uid} */
    public ClientIdentity client() {
        return client;
    }

    /** {@return when the server stops waiting for the handler and answers with a deadline error} */
    public Instant deadline() {
        return deadline;
    }

    /** {@return the time left before {@link #deadline()}, never negative (zero once it has passed)} */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    @Override
    public String toString() {
        return "Request[client=" + client + ", " + payload.length + " bytes]";
    }
}
