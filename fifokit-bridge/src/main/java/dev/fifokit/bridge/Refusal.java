package dev.fifokit.bridge;

/**
 * One side will not go on with the other: the far side's ERROR frame as received, or this
 * side's reason to send one. The code says what a connector does about it: {@link #BUSY} is
 * retried later, with growing waits; every other code ends a connector even with reconnect,
 * since dialling again cannot help.
 */
final class Refusal extends BridgeException {
    private static final long serialVersionUID = 1L;

    /** The two sides' configurations cannot work together (roles, formats, payload sizes). */
    static final int MISMATCH = 1;
    /** The listener keeps as many sessions as it may: try again later. */
    static final int BUSY = 2;
    /** The connector claimed a session it could not prove is its own. */
    static final int NOT_YOURS = 3;
    /** A frame or handshake this side does not understand. */
    static final int PROTOCOL = 4;

    private final int code;

    Refusal(int code, String message) {
        super(message, null, code != BUSY);
        this.code = code;
    }

    static Refusal protocol(String message) {
        return new Refusal(PROTOCOL, message);
    }

    int code() {
        return code;
    }

    boolean isBusy() {
        return code == BUSY;
    }
}
