package dev.fifokit.server;

import java.nio.file.Path;

/**
 * The names and numbers of the request/response protocol, written out for peers in
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/server-protocol.md">docs/server-protocol.md</a>.
 * Every message on the wire is a {@code mesg} frame
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
 *   <li>The token form (needed by a shared server, and for requests of any size): the type is
 *       {@link #TOKEN_FORM} plus the client's pid, the payload a {@value #TICKET_BYTES}-byte
 *       ticket (a random {@value #TOKEN_BYTES}-byte token, then the body length as a native
 *       64-bit number) followed by the body, or by nothing when the body travels through
 *       {@code request.<token>.fifo}. The reply goes into {@code client.<token>.fifo}, the
 *       token in lowercase hex.</li>
 * </ul>
 */
public final class ServerProtocol {
    private ServerProtocol() {}

    /** The well-known FIFO clients send their requests to. */
    public static final String SERVER_FIFO = "server.fifo";
    /** The file a server holds a lock on while it runs (removed when it stops cleanly). */
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

    /** Request type offset of the token form: {@code mesg_type = TOKEN_FORM + pid}. */
    public static final long TOKEN_FORM = 1L << 48;
    /** Bytes of a token: 128 random bits. */
    public static final int TOKEN_BYTES = 16;
    /** Bytes of a token-form ticket: the token, then the body length (native 64-bit). */
    public static final int TICKET_BYTES = TOKEN_BYTES + 8;
    /** Mode of a reply FIFO a client of a shared server creates (the server, another user, must write it). */
    public static final int SHARED_REPLY_FIFO_MODE = 0622;
    /** Mode of a request FIFO a client of a shared server creates (the server must read it). */
    public static final int SHARED_REQUEST_FIFO_MODE = 0644;

    /**
     * Tells a token-form request from a plain one by its type.
     *
     * @param type the {@code mesg_type} of a request frame
     * @return true when {@code type} is {@link #TOKEN_FORM} plus a valid client id
     */
    public static boolean isTokenForm(long type) {
        return type > TOKEN_FORM && isClientId(type - TOKEN_FORM);
    }

    /**
     * {@code client.<hex token>.fifo}: the reply FIFO of a token-form request.
     *
     * @param token the request's token, exactly {@value #TOKEN_BYTES} bytes
     * @return the reply FIFO's file name, with the token in lowercase hex
     * @throws IllegalArgumentException the token does not have {@value #TOKEN_BYTES} bytes
     */
    public static String replyFifoName(byte[] token) {
        return "client." + hex(token) + ".fifo";
    }

    /**
     * {@code request.<hex token>.fifo}: the FIFO a token-form request's body travels through.
     *
     * @param token the request's token, exactly {@value #TOKEN_BYTES} bytes
     * @return the request FIFO's file name, with the token in lowercase hex
     * @throws IllegalArgumentException the token does not have {@value #TOKEN_BYTES} bytes
     */
    public static String requestFifoName(byte[] token) {
        return "request." + hex(token) + ".fifo";
    }

    static String hex(byte[] token) {
        if (token.length != TOKEN_BYTES) {
            throw new IllegalArgumentException("a token has " + TOKEN_BYTES + " bytes: " + token.length);
        }
        return java.util.HexFormat.of().formatHex(token);
    }

    /**
     * Tells whether {@code id} may be a client id.
     *
     * @param id a number, e.g. the {@code mesg_type} of a request frame
     * @return true for a valid client id: 1 to {@link #MAX_CLIENT_ID}
     */
    public static boolean isClientId(long id) {
        return id > 0 && id <= MAX_CLIENT_ID;
    }

    /**
     * {@code client.<id>.fifo}: the reply FIFO of a plain request.
     *
     * @param clientId the client id, 1 to {@link #MAX_CLIENT_ID}
     * @return the reply FIFO's file name, with the id in decimal
     * @throws IllegalArgumentException the id is out of that range
     */
    public static String clientFifoName(long clientId) {
        if (!isClientId(clientId)) {
            throw new IllegalArgumentException("client id out of range (1 to 2^48 - 1): " + clientId);
        }
        return "client." + clientId + ".fifo";
    }

    /**
     * The reply FIFO of client {@code clientId} in the server directory {@code dir}.
     *
     * @param dir      the server's directory
     * @param clientId the client id, 1 to {@link #MAX_CLIENT_ID}
     * @return {@code dir/client.<id>.fifo}
     * @throws IllegalArgumentException the id is out of that range
     */
    public static Path clientFifo(Path dir, long clientId) {
        return dir.resolve(clientFifoName(clientId));
    }

    /**
     * The server's well-known FIFO in {@code dir}.
     *
     * @param dir the server's directory
     * @return {@code dir/server.fifo}
     */
    public static Path serverFifo(Path dir) {
        return dir.resolve(SERVER_FIFO);
    }
}
