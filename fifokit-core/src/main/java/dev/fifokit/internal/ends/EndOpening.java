package dev.fifokit.internal.ends;

import dev.fifokit.ends.FifoEnd;
import dev.fifokit.ends.FifoOpenOptions;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The one opening path of {@code dev.fifokit.ends}, for {@code dev.fifokit.files.Fifo}: it
 * opens an end like the public {@code open} methods and, before the end waits for its peer,
 * hands the not-yet-connected end to {@code register}. Whoever registered it can then cancel
 * the open by closing the end, from any thread, at any point. Not exported.
 */
public final class EndOpening {
    private EndOpening() {}

    /** Implemented in {@code dev.fifokit.ends}. */
    public interface Opener {
        FifoEnd open(Path path, FifoOpenOptions options, Consumer<? super FifoEnd> register) throws IOException;
    }

    private static volatile Opener opener;

    /** Called once, by the ends package when it is initialised. */
    public static void install(Opener o) {
        opener = o;
    }

    /** Opens the end {@code options} are for; see the class comment. */
    public static FifoEnd open(Path path, FifoOpenOptions options, Consumer<? super FifoEnd> register)
            throws IOException {
        Opener o = opener;
        if (o == null) {
            try {
                MethodHandles.lookup().ensureInitialized(FifoEnd.class); // installs the opener
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            o = opener;
        }
        return o.open(path, options, register);
    }
}
