/**
 * fifokit-server: request/response over FIFOs. {@link dev.fifokit.server.FifoServer} reads
 * requests from one well-known FIFO and answers each client in a FIFO of its own;
 * {@link dev.fifokit.server.FifoClient} sends one request and reads its reply under a deadline.
 * The wire protocol, for peers in any language, is in
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/server-protocol.md">docs/server-protocol.md</a>.
 *
 * <p>Built on the core module's public API only (files, ends, messages); its errors are the
 * core's typed errors, so the core is required transitively.
 */
module dev.fifokit.server {
    requires transitive dev.fifokit;
    exports dev.fifokit.server;
}
