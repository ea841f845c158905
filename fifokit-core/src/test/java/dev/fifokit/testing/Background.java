package dev.fifokit.testing;

import java.util.concurrent.CompletableFuture;

/**
 * Runs a blocking task on its own new platform thread. (CompletableFuture.supplyAsync uses the
 * common pool, which has one worker on a 2-core machine: a second blocking task would never start.)
 */
public final class Background {
    private Background() {}

    /** A task that may throw. */
    @FunctionalInterface
    public interface Task<T> {
        T call() throws Exception;
    }

    public static <T> CompletableFuture<T> supply(Task<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("test-background").start(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
