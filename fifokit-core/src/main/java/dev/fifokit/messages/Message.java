package dev.fifokit.messages;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One message: a 64-bit type ({@code mesg_type}) and a payload. The payload array is not
 * copied: the caller that builds a message hands the array over, and a reader hands over a
 * fresh array per message. Two messages are equal when their types and payload bytes are.
 *
 * @param type    {@code mesg_type} in {@link Framing#MESG}; {@link Framing#LINE_TYPE} for a line
 * @param payload the bytes, never null
 */
public record Message(long type, byte[] payload) {

    /**
     * Makes a message; the payload array is kept, not copied.
     *
     * @throws NullPointerException {@code payload} is null
     */
    public Message {
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * A message whose payload is {@code text} in UTF-8.
     *
     * @param type the message type ({@code mesg_type}); ignored on the wire in {@link Framing#LINE}
     * @param text the payload, encoded as UTF-8 (unpaired surrogates become {@code '?'})
     * @return a new message with a fresh payload array
     */
    public static Message of(long type, String text) {
        return new Message(type, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the payload decoded as UTF-8 (malformed bytes become U+FFFD)} */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** {@return the payload length in bytes ({@code mesg_len}), 0 or more} */
    public int length() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && m.type == type && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(type) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        int shown = Math.min(payload.length, 32);
        return "Message[type=" + type + ", length=" + payload.length + ", payload="
                + HexFormat.of().formatHex(payload, 0, shown) + (shown < payload.length ? "…" : "") + "]";
    }
}
