package dev.fifokit.messages;

import java.util.Locale;

/**
 * How messages are cut out of a byte stream. Both framings are specified byte for byte in
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/messages.md">docs/messages.md</a>,
 * so a peer in C, Python or a shell can speak them.
 *
 * <ul>
 *   <li>{@link #MESG}: the message framing of Stevens. {@code struct mymesg}
 *       (UNIX Network Programming vol. 2 ch. 4): a 16-byte header of two native-endian
 *       64-bit signed integers, {@code mesg_len} then {@code mesg_type}, followed by
 *       {@code mesg_len} payload bytes.</li>
 *   <li>{@link #LINE}: one message per {@code \n}-terminated line. In the payload a backslash is
 *       written as {@code \\} and a newline as {@code \n} (backslash, letter n); every other byte
 *       is written as it is. A line carries no type: the reader reports type {@value #LINE_TYPE}.</li>
 * </ul>
 */
public enum Framing {
    /** {@code struct mymesg}: native-endian {@code long mesg_len, mesg_type}, then the payload. */
    MESG(new MesgCodec()),
    /** One escaped line per message, terminated by {@code '\n'}. */
    LINE(new LineCodec());

    /** The type a {@link #LINE} message has when read (a line has no type on the wire). */
    public static final long LINE_TYPE = 1;

    /** The wire format: each framing's bytes live in its own codec class. */
    private final FrameCodec codec;

    Framing(FrameCodec codec) {
        this.codec = codec;
    }

    /** {@return how this framing's frames are built and cut} */
    FrameCodec codec() {
        return codec;
    }

    /**
     * The framing named {@code name}, case-insensitive ({@code "mesg"}, {@code "line"}).
     *
     * @param name the name
     * @return the framing
     * @throws IllegalArgumentException for any other name
     */
    public static Framing parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown framing '" + name + "' (expected line or mesg)", e);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
