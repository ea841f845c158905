package dev.fifokit.cli.bench;

import java.util.List;

/** Builds a peer's command line: the C baseline or the {@link JavaPeer} with the same arguments. */
@FunctionalInterface
interface Peer {
    List<String> command(Env env, Object... args);

    /** {@code bench/c/<source>.c}, compiled. */
    static Peer c(String source) {
        return (env, args) -> env.c(source, args);
    }

    /** {@link JavaPeer} in a JVM with fifokit on its class path. */
    static Peer java() {
        return (env, args) -> env.java(args);
    }
}
