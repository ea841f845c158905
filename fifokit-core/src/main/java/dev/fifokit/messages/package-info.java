/**
 * Messages over any end or byte channel: {@link dev.fifokit.messages.MessageWriter} and
 * {@link dev.fifokit.messages.MessageReader} in one of two {@link dev.fifokit.messages.Framing}s,
 * {@code MESG} (Stevens' {@code struct mymesg}: length, type, payload) and {@code LINE} (one
 * message per line, {@code \} and newline escaped).
 *
 * <p>A {@code mesg} message of at most PIPE_BUF - 16 payload bytes is written with one atomic
 * write, so many writers may share one FIFO and a reader never sees two interleaved. A reader
 * never allocates more than its maximum payload because a header said so: a bad header is a
 * {@link dev.fifokit.messages.CorruptFrameException} naming its byte offset, a stream that ends
 * inside a frame a {@link dev.fifokit.messages.TruncatedMessageException}. Reads and writes block
 * as the underlying end's do. For many small messages, {@link dev.fifokit.messages.MessageWriter#batch()}
 * and {@link dev.fifokit.messages.MessageReader#receiveAll(MessageHandler)}.
 *
 * <p>Both framings byte for byte, with C and Python peers:
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/messages.md">docs/messages.md</a>.
 */
package dev.fifokit.messages;
