package dev.fifokit.bridge;

/**
 * A bridge ended with messages it had taken from its source that the far side never
 * acknowledged: they may or may not have been written there. The message names the source,
 * the far end and the count.
 */
public final class UndeliveredException extends BridgeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** How many messages were not acknowledged. */
    private final long count;

    /**
     * {@code count} messages were not delivered; {@code message} says where and why.
     *
     * @param message {@code "<address>: <reason>"}
     * @param count how many
     * @param cause what ended the delivery, or null
     */
    public UndeliveredException(String message, long count, Throwable cause) {
        super(message, cause);
        this.count = count;
    }

    /** {@return how many messages taken from the source were not acknowledged} */
    public long count() {
        return count;
    }
}
