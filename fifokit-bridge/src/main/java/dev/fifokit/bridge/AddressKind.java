package dev.fifokit.bridge;

/**
 * One entry of the address table ({@link BridgeAddresses}): how an address of this kind is
 * written, parsed, described and opened. {@code fifo:}, {@code -}, {@code tcp:},
 * {@code tcp-listen:}, {@code unix:} and {@code unix-listen:} are the built-in entries; another
 * module adds a kind by implementing this interface and registering it with
 * {@link BridgeAddresses#with(AddressKind)}, without this module knowing it.
 */
public interface AddressKind {

    /** Where an address of a kind sits in a bridge. */
    enum Role {
        /** On this machine: a FIFO or the standard streams. One end of every bridge is local. */
        LOCAL,
        /** Dials a far side (a listener, a server). */
        DIALS,
        /** Accepts connections from far sides. */
        LISTENS
    }

    /**
     * {@return the keyword an address of this kind starts with, before its first colon
     * ({@code "tcp-listen"}), compared without regard to case; {@code "-"} for the standard
     * streams, whose address is that one character}
     */
    String keyword();

    /** {@return how an address of this kind is written, for help and errors ({@code "tcp:HOST:PORT"})} */
    String syntax();

    /** {@return what such an address does, in a few words, for help} */
    String summary();

    /** {@return whether an address of this kind is local, dials or listens} */
    Role role();

    /**
     * Parses an address of this kind.
     *
     * @param text the whole address as written, keyword included
     * @return the address
     * @throws IllegalArgumentException the text is not a valid address of this kind; the
     *         message starts with the text
     */
    BridgeAddress parse(String text);

    /**
     * Makes (does not start) a bridge between {@code from} and {@code to}, one of which is of
     * this kind: the table asks the kind of the end that is not local, or the source's kind when
     * both are local. Opening files and sockets waits for {@link Bridge#start()}.
     *
     * @param from where data comes from
     * @param to where data goes
     * @param options how the bridge runs
     * @return the bridge, not started
     * @throws IllegalArgumentException the two ends or the options cannot work together; the
     *         message names the address
     */
    Bridge open(BridgeAddress from, BridgeAddress to, BridgeOptions options);
}
