/**
 * Request/response over FIFOs: Stevens' "one server, many clients", hardened.
 *
 * <ul>
 *   <li>{@link dev.fifokit.server.FifoServer}: binds a directory, reads requests from its
 *       {@code server.fifo}, runs a {@link dev.fifokit.server.RequestHandler} per request on a
 *       virtual thread, replies into each client's {@code client.<pid>.fifo}.</li>
 *   <li>{@link dev.fifokit.server.FifoClient}: sends one request and reads its reply under a
 *       deadline.</li>
 *   <li>{@link dev.fifokit.server.ServerProtocol}: the file names and frame types; the whole
 *       wire protocol, for C, Python or shell peers, is in
 *       <a href="https://github.com/fifokit/fifokit/blob/main/docs/server-protocol.md">docs/server-protocol.md</a>.</li>
 * </ul>
 */
package dev.fifokit.server;
