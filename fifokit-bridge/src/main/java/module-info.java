/**
 * fifokit-bridge: a FIFO across machines. {@link dev.fifokit.bridge.FifoBridge} joins a FIFO
 * (or standard input/output) to a TCP or Unix-domain socket, optionally with TLS, carrying
 * whole messages with acknowledged, replayed delivery ({@code mesg} and {@code line}) or a plain
 * byte stream ({@code raw}). The wire protocol and the guarantees are in
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/bridge.md">docs/bridge.md</a>.
 */
module dev.fifokit.bridge {
    requires transitive dev.fifokit;
    exports dev.fifokit.bridge;
}
