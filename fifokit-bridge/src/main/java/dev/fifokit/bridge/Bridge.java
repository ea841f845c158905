package dev.fifokit.bridge;

import java.io.IOException;
import java.time.Duration;

/**
 * A running bridge, whatever kinds of address it joins: what the {@code fifokit bridge} command
 * drives. {@link FifoBridge} is the bridge of the built-in address kinds; a kind registered by
 * another module brings its own.
 */
public interface Bridge extends AutoCloseable {

    /**
     * Opens the ends and starts the bridge's threads; returns at once (a listener is bound
     * when it returns).
     *
     * @return this bridge
     * @throws IOException an end cannot be opened (the message names it)
     * @throws IllegalStateException already started
     */
    Bridge start() throws IOException;

    /**
     * Blocks until the bridge ends by itself, fails, or is stopped or closed.
     *
     * @throws IOException what ended it, when it failed
     * @throws InterruptedException this thread was interrupted (the bridge goes on)
     */
    void await() throws IOException, InterruptedException;

    /**
     * Blocks at most {@code limit} for the bridge to end.
     *
     * @param limit how long to wait
     * @return true when it has ended
     * @throws IOException what ended it, when it failed
     * @throws InterruptedException this thread was interrupted (the bridge goes on)
     */
    boolean await(Duration limit) throws IOException, InterruptedException;

    /** {@return true once the bridge has ended, by itself, by a failure, or stopped or closed} */
    boolean isDone();

    /**
     * A graceful stop: takes nothing more from the source, gives the far side up to
     * {@code grace} to acknowledge every message already taken, then closes. Blocks up to
     * about {@code grace}.
     *
     * @param grace how long the messages taken may take to be delivered
     * @throws UndeliveredException some messages taken from the source were not delivered
     *         within the grace period (how many is in the exception)
     * @throws InterruptedException this thread was interrupted; the bridge is closed
     */
    void stop(Duration grace) throws UndeliveredException, InterruptedException;

    /** Stops at once: closes every link and end; messages not yet acknowledged are dropped. */
    @Override
    void close();
}
