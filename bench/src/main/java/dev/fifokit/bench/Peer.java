package dev.fifokit.bench;

import java.util.List;

/**
 * Builds a peer's command line: the C baseline or the {@link JavaPeer} with the same arguments.
 *
 * @param isJava true for {@link JavaPeer}, false for a C baseline
 * @param source the C source ({@code bench/c/<source>.c}); unused for Java
 */
record Peer(boolean isJava, String source) {

    /** {@code bench/c/<source>.c}, compiled. */
    static Peer c(String source) {
        return new Peer(false, source);
    }

    /** {@link JavaPeer} in a JVM with fifokit on its class path. */
    static Peer java() {
        return new Peer(true, null);
    }

    List<String> command(Env env, Object... args) {
        return isJava ? env.java(args) : env.c(source, args);
    }

    /**
     * How long a reading peer waits after the first data before its window opens. A JVM pinned
     * to one vCPU needs about a second for C2 to compile the loop (its compiler threads share the
     * vCPU); C runs at full speed at once, so it gets a short warm-up and the suite less time.
     */
    long warmMs(Settings s) {
        return isJava ? s.warmMs() : Math.min(s.warmMs(), 200);
    }
}
