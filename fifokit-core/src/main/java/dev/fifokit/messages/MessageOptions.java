package dev.fifokit.messages;

import java.nio.file.Path;

/**
 * How a {@link MessageWriter} or {@link MessageReader} frames messages. Immutable; each method
 * returns a changed copy.
 *
 * <pre>{@code
 * MessageOptions o = MessageOptions.defaults().exclusiveWriter().batching(true);
 * }</pre>
 *
 * <ul>
 *   <li>{@link #maxPayload(int)}: the largest payload in bytes. Default: PIPE_BUF - 16 (4080
 *       on Linux), read from the FIFO when the channel is a fifokit end, else from
 *       {@link dev.fifokit.Limits#read()}. So every {@link Framing#MESG} frame (16-byte header
 *       plus payload) fits in one atomic write(2). An {@link #exclusiveWriter() exclusive}
 *       writer has no default limit (up to {@value #MAX_LIMIT} bytes). A reader never allocates
 *       more than this for a message, whatever a header says.</li>
 *   <li>{@link #exclusiveWriter()}: this writer is the only one on the FIFO, so frames over
 *       PIPE_BUF are allowed (they are written with several write(2) calls, which is safe only
 *       when no one else writes), and batches may exceed PIPE_BUF.</li>
 *   <li>{@link #batching(boolean)}: the writer coalesces messages into one buffer and writes
 *       it when the next message would not fit, on {@link MessageWriter#flush()} and on close.
 *       The buffer is PIPE_BUF bytes for a shared writer (so each batch is one atomic write of
 *       whole messages), {@link #bufferBytes(int)} (64 KiB by default) for an exclusive one.</li>
 *   <li>{@link #bufferBytes(int)}: an exclusive writer's batch size, and a reader's read size
 *       (one read(2) takes up to this many bytes, so many small messages cost one system
 *       call). Default 64 KiB.</li>
 *   <li>{@link #atomicFrames()} (reader): every frame was written with one write(2), so a frame
 *       still incomplete when nothing more is queued in the pipe is garbage: it is dropped with
 *       a {@link TruncatedMessageException} instead of waiting for (and swallowing) the next
 *       writer's bytes. Only for fifokit ends.</li>
 *   <li>{@link #acceptUnterminatedLine()} (reader, {@link Framing#LINE}): a last line without
 *       {@code '\n'} before end of stream is a message, as text tools treat it, instead of a
 *       {@link TruncatedMessageException}.</li>
 *   <li>{@link #name(Path)}: the name errors use when the channel is not a fifokit end (which
 *       names itself); default none ("pipe").</li>
 * </ul>
 */
public final class MessageOptions {
    /** The largest payload any writer or reader accepts (close to the largest Java array). */
    public static final int MAX_LIMIT = Integer.MAX_VALUE - 64;
    /** Default batch buffer of an exclusive writer and read buffer of a reader. */
    public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

    private static final MessageOptions DEFAULTS = new MessageOptions(-1, false, false, false, false, null, DEFAULT_BUFFER_BYTES);

    private final int maxPayload;
    private final boolean exclusiveWriter;
    private final boolean batching;
    private final boolean atomicFrames;
    private final boolean acceptUnterminatedLine;
    private final Path name;
    private final int bufferBytes;

    private MessageOptions(int maxPayload, boolean exclusiveWriter, boolean batching, boolean atomicFrames,
                           boolean acceptUnterminatedLine, Path name, int bufferBytes) {
        this.maxPayload = maxPayload;
        this.exclusiveWriter = exclusiveWriter;
        this.batching = batching;
        this.atomicFrames = atomicFrames;
        this.acceptUnterminatedLine = acceptUnterminatedLine;
        this.name = name;
        this.bufferBytes = bufferBytes;
    }

    /**
     * Default maximum, shared writer, no batching, blocking frames.
     *
     * @return the default options (the same object every time)
     */
    public static MessageOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The largest payload, in bytes ({@code 0 <= bytes <=} {@value #MAX_LIMIT}). A shared writer
     * still refuses any frame over PIPE_BUF.
     *
     * @param bytes the largest payload in bytes, from 0 to {@value #MAX_LIMIT}
     * @return a copy with this maximum
     * @throws IllegalArgumentException {@code bytes} is out of that range
     */
    public MessageOptions maxPayload(int bytes) {
        if (bytes < 0 || bytes > MAX_LIMIT) {
            throw new IllegalArgumentException("maximum payload out of range: " + bytes);
        }
        return new MessageOptions(bytes, exclusiveWriter, batching, atomicFrames, acceptUnterminatedLine, name, bufferBytes);
    }

    /**
     * Declares this writer the FIFO's only writer: frames and batches may exceed PIPE_BUF.
     *
     * @return a copy for an exclusive writer
     */
    public MessageOptions exclusiveWriter() {
        return new MessageOptions(maxPayload, true, batching, atomicFrames, acceptUnterminatedLine, name, bufferBytes);
    }

    /**
     * Coalesce messages into fewer writes (see the class comment).
     *
     * @param on true to batch messages, false (the default) to write each one at once
     * @return a copy with batching on or off
     */
    public MessageOptions batching(boolean on) {
        return new MessageOptions(maxPayload, exclusiveWriter, on, atomicFrames, acceptUnterminatedLine, name, bufferBytes);
    }

    /**
     * Batch size of an exclusive writer (a shared one's is PIPE_BUF), read size of a reader.
     *
     * @param bytes the buffer size in bytes, from 64 to {@value #MAX_LIMIT}; default
     *              {@value #DEFAULT_BUFFER_BYTES}
     * @return a copy with this buffer size
     * @throws IllegalArgumentException {@code bytes} is out of that range
     */
    public MessageOptions bufferBytes(int bytes) {
        if (bytes < 64 || bytes > MAX_LIMIT) {
            throw new IllegalArgumentException("buffer size out of range: " + bytes);
        }
        return new MessageOptions(maxPayload, exclusiveWriter, batching, atomicFrames, acceptUnterminatedLine, name, bytes);
    }

    /**
     * Reader: drop a frame left incomplete with nothing more queued (see the class comment).
     *
     * @return a copy that treats every frame as written in one write(2)
     */
    public MessageOptions atomicFrames() {
        return new MessageOptions(maxPayload, exclusiveWriter, batching, true, acceptUnterminatedLine, name, bufferBytes);
    }

    /**
     * Reader: a last line without its newline is still a message.
     *
     * @return a copy that accepts a last line without {@code '\n'}
     */
    public MessageOptions acceptUnterminatedLine() {
        return new MessageOptions(maxPayload, exclusiveWriter, batching, atomicFrames, true, name, bufferBytes);
    }

    /**
     * The name errors use for a channel that is not a fifokit end (e.g. {@code <stdin>}).
     *
     * @param name the name to show in error messages, or {@code null} for none ("pipe")
     * @return a copy with this name
     */
    public MessageOptions name(Path name) {
        return new MessageOptions(maxPayload, exclusiveWriter, batching, atomicFrames, acceptUnterminatedLine, name, bufferBytes);
    }

    /** {@return the maximum payload set with {@link #maxPayload(int)} in bytes, or -1 for the default} */
    public int maxPayload() {
        return maxPayload;
    }

    /** {@return true when {@link #exclusiveWriter()} was called} */
    public boolean isExclusiveWriter() {
        return exclusiveWriter;
    }

    /** {@return true when a writer coalesces messages ({@link #batching(boolean)})} */
    public boolean isBatching() {
        return batching;
    }

    /** {@return true when {@link #atomicFrames()} was called} */
    public boolean isAtomicFrames() {
        return atomicFrames;
    }

    /** {@return true when {@link #acceptUnterminatedLine()} was called} */
    public boolean isAcceptUnterminatedLine() {
        return acceptUnterminatedLine;
    }

    /** {@return the name set with {@link #name(Path)}, or {@code null} when none was set} */
    public Path name() {
        return name;
    }

    /** {@return the buffer size in bytes: {@value #DEFAULT_BUFFER_BYTES} unless {@link #bufferBytes(int)} set another} */
    public int bufferBytes() {
        return bufferBytes;
    }

    /** The maximum payload in force for a channel whose PIPE_BUF is {@code pipeBuf}. */
    int resolveMaxPayload(long pipeBuf, boolean writer) {
        if (maxPayload >= 0) {
            return maxPayload;
        }
        if (writer && exclusiveWriter) {
            return MAX_LIMIT;
        }
        return (int) Math.max(0, Math.min(MAX_LIMIT, pipeBuf - MesgCodec.HEADER));
    }
}
