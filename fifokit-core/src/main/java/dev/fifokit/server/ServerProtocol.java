package dev.fifokit.server;

import java.nio.file.Path;

/**
 * The names and numbers of the request/response protocol (SPEC §7), written out for peers in
 * {@code docs/server-protocol.md}. Every message on the wire is a {@code mesg} frame
 * ({@code struct mymesg}: native-endian 64-bit {@code mesg_len}, 64-bit {@code mesg_type},
 * payload).
 *
 * <ul>
 *   <li>The server's directory holds {@value #SERVER_FIFO} (requests) and {@value #LOCK_FILE}
 *       (one server per directory).</li>
 *   <li>A request is one frame, written with one write(2), whose {@code mesg_type} is the
 *       client id (the client's pid; 1 to {@link #MAX_CLIENT_ID}) and whose payload is the
 *       request.</li>
 *   <li>The reply goes into {@code client.<id>.fifo} in the same directory: frames of type
 *       {@link #TYPE_OK} (data) or {@link #TYPE_ERROR} (error text), then one zero-length frame
 *       of type {@link #TYPE_END}.</li>
 * </ul>
 */
public final class ServerProtocol {
    private ServerProtocol() {}

    /** The well-known FIFO clients send their requests to. */
    public static final String SERVER_FIFO = "server.fifo";
    /** The file a server holds a lock on while it runs (it stays after the server stops). */
    public static final String LOCK_FILE = "server.lock";
    /** Reply frame: a part of a successful reply. */
    public static final long TYPE_OK = 0;
    /** Reply frame: a part of the error text of a failed request. */
    public static final long TYPE_ERROR = 1;
    /** Reply frame: zero-length, ends the reply. */
    public static final long TYPE_END = 2;
    /** Size of the {@code mesg} header: {@code mesg_len} and {@code mesg_type}, 8 bytes each. */
    public static final int HEADER_BYTES = 16;
    /** Mode of the reply FIFO a client creates. */
    public static final int CLIENT_FIFO_MODE = 0600;

    /**
     * The largest client id, 2^48 - 1. Pids are far below it (Linux caps them at 2^22); the cap
     * lets the server tell a request header from garbage when it looks for the next frame.
     */
    public static final long MAX_CLIENT_ID = (1L << 48) - 1;

    /** True for a valid client id: 1 to {@link #MAX_CLIENT_ID}. */
    public static boolean isClientId(long id) {
        return id > 0 && id <= MAX_CLIENT_ID;
    }

    /** {@code client.<id>.fifo}. */
    public static String clientFifoName(long clientId) {
        if (!isClientId(clientId)) {
            throw new IllegalArgumentException("client id out of range (1 to 2^48 - 1): " + clientId);
        }
        return "client." + clientId + ".fifo";
    }

    /** The reply FIFO of client {@code clientId} in the server directory {@code dir}. */
    public static Path clientFifo(Path dir, long clientId) {
        return dir.resolve(clientFifoName(clientId));
    }

    /** The server's well-known FIFO in {@code dir}. */
    public static Path serverFifo(Path dir) {
        return dir.resolve(SERVER_FIFO);
    }
}
