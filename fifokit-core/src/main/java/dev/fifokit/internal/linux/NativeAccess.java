package dev.fifokit.internal.linux;

/**
 * Turns the JVM's refusal of native access into one sentence that says what to add. Without
 * native access enabled for fifokit, and with {@code --illegal-native-access=deny} (the
 * default of a future JDK), linking the first libc function throws
 * {@link IllegalCallerException} inside a class initialiser: the caller sees a bare
 * {@link ExceptionInInitializerError}, and every later call a {@link NoClassDefFoundError}.
 */
public final class NativeAccess {
    private NativeAccess() {}

    /** What to do, in one sentence. */
    public static final String HOW_TO_ENABLE = "native access is not enabled for fifokit: run java with "
            + "--enable-native-access=ALL-UNNAMED (class path) or --enable-native-access=dev.fifokit "
            + "(module path), or add 'Enable-Native-Access: ALL-UNNAMED' to the main jar's manifest";

    /**
     * The native-access refusal in {@code t}'s causes as an {@link IllegalCallerException} that
     * says how to enable it (the JDK's own exception for this), or {@code null} when {@code t}
     * is something else.
     */
    public static IllegalCallerException explain(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IllegalCallerException ice) {
                return ice.getMessage() != null && ice.getMessage().startsWith(HOW_TO_ENABLE)
                        ? ice : new IllegalCallerException(HOW_TO_ENABLE, ice);
            }
            // a later use of the class that failed to initialise: the JVM keeps only the text
            String m = c.getMessage();
            if (c instanceof LinkageError && m != null && m.contains("IllegalCallerException")
                    && m.contains("native access")) {
                return new IllegalCallerException(HOW_TO_ENABLE, t);
            }
        }
        return null;
    }
}
