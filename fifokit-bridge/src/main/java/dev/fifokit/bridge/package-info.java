/**
 * A FIFO across machines: {@link dev.fifokit.bridge.FifoBridge}
 * ({@code FifoBridge.of(from, to, options)}, with {@link dev.fifokit.bridge.BridgeOptions}) joins a
 * FIFO (or standard input or output) to a TCP or Unix-domain socket, optionally with TLS
 * ({@link dev.fifokit.bridge.BridgeTls}), each end named as socat names them
 * ({@link dev.fifokit.bridge.BridgeAddress}: {@code fifo:PATH}, {@code tcp-listen:PORT},
 * {@code tcp:HOST:PORT}, ...).
 *
 * <p>With {@link dev.fifokit.bridge.BridgeFormat} {@code MESG} or {@code LINE}, each message
 * crosses as a unit, numbered and acknowledged: a dropped link loses and duplicates nothing,
 * each message is written on the far side with one atomic write, and a far side that stops
 * reading makes the local writers block instead of filling memory. {@code RAW} is a plain byte
 * stream for socat or nc peers. Failures of the link, the handshake or the TLS material are
 * {@link dev.fifokit.bridge.BridgeException}s; the FIFO's own are the core's.
 *
 * <p>The wire protocol, and exactly what is (and is not) guaranteed when a link or a bridge dies:
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/bridge.md">docs/bridge.md</a>.
 */
package dev.fifokit.bridge;
