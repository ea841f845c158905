package dev.fifokit.testing;

import java.time.Duration;
import java.util.Arrays;

/** Waiting for another thread to reach a point, instead of sleeping and hoping it did. */
public final class Threads {
    private Threads() {}

    /**
     * Polls until {@code t} is inside a method named {@code method} of class {@code owner} (its
     * stack has that frame), failing the test after {@code limit}.
     */
    public static void awaitIn(Thread t, Class<?> owner, String method, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        StackTraceElement[] last = new StackTraceElement[0];
        while (System.nanoTime() - end < 0) {
            last = t.getStackTrace();
            for (StackTraceElement e : last) {
                if (e.getClassName().equals(owner.getName()) && e.getMethodName().equals(method)) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError(t + " did not reach " + owner.getSimpleName() + "." + method + " within "
                + limit + "; it is at " + Arrays.toString(last));
    }
}
