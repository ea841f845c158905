package dev.fifokit.bridge;

import dev.fifokit.messages.Framing;

import java.util.Locale;

/**
 * What a {@link FifoBridge} carries across the link.
 *
 * <ul>
 *   <li>{@link #RAW}: bytes, unchanged, as a plain stream on the socket (a {@code socat} or
 *       {@code nc} peer can take part). No acknowledgement: bytes in flight when a link drops
 *       are lost.</li>
 *   <li>{@link #MESG}, {@link #LINE}: whole messages cut from the FIFO in that framing, sent as
 *       numbered frames, acknowledged and replayed across reconnects, and written on the far
 *       side as one write(2) each.</li>
 * </ul>
 */
public enum BridgeFormat {
    /** A plain byte stream. */
    RAW,
    /** {@code struct mymesg} frames on the FIFOs. */
    MESG,
    /** One escaped line per message on the FIFOs. */
    LINE;

    /** {@return the FIFO framing; null for {@link #RAW}} */
    public Framing framing() {
        return switch (this) {
            case RAW -> null;
            case MESG -> Framing.MESG;
            case LINE -> Framing.LINE;
        };
    }

    /**
     * {@code raw}, {@code mesg} or {@code line}, any case.
     *
     * @param name the format's name
     * @return the format
     * @throws IllegalArgumentException for anything else
     */
    public static BridgeFormat parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown format '" + name + "' (expected raw, mesg or line)", e);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
