package dev.fifokit.server;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** One daemon timer thread for every client deadline in this JVM (cheap to schedule, cancel). */
final class Deadlines {
    private Deadlines() {}

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "fifokit-client-deadlines");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** Runs {@code action} once {@code nanos} have passed, unless cancelled first. */
    static ScheduledFuture<?> after(long nanos, Runnable action) {
        return TIMER.schedule(action, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }
}
