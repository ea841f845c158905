package dev.fifokit.internal.ends;

import dev.fifokit.ends.FifoEnd;
import dev.fifokit.ends.Inherited;

import java.lang.invoke.MethodHandles;
import java.util.function.ToIntFunction;

/**
 * What {@code dev.fifokit.spawn} must know of an end before it gives the pipe to a child: the
 * bytes the end has already taken out of the pipe and holds (a reader that waited for its
 * writer may hold one), which the child would never see. Installed by the ends package. Not
 * exported.
 */
public final class EndHandover {
    private EndHandover() {}

    private static volatile ToIntFunction<FifoEnd> held;

    /** Called once, by the ends package when it is initialised. */
    public static void install(ToIntFunction<FifoEnd> heldBytes) {
        held = heldBytes;
    }

    /** Bytes {@code end} holds that are no longer in the pipe. */
    public static int heldBytes(FifoEnd end) {
        ToIntFunction<FifoEnd> h = held;
        if (h == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Inherited.class); // installs it
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            h = held;
        }
        return h.applyAsInt(end);
    }
}
