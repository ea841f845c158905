package dev.fifokit.bench;

/**
 * The measuring window of a reading peer, the same rule as {@code bench/c/stream.c}: it opens
 * {@code warmMs} after the first data (units read by then are not counted) and closes
 * {@code measureMs} later. Not thread-safe; one per reader.
 */
final class Window {
    private final long warmNanos;
    private final long measureNanos;
    private long open;
    private long close;
    private long units;
    private int state;

    Window(long warmMs, long measureMs) {
        this.warmNanos = warmMs * 1_000_000L;
        this.measureNanos = measureMs * 1_000_000L;
    }

    /** Counts {@code n} units that arrived now; true once the window has closed. */
    boolean add(long n) {
        long t = System.nanoTime();
        if (state == 0) {
            open = t + warmNanos;
            state = 1;
            return false;
        }
        if (state == 1) {
            if (t - open >= 0) {
                state = 2;
                open = t;
                close = t + measureNanos;
            }
            return false;
        }
        units += n;
        if (t - close >= 0) {
            close = t;
            return true;
        }
        return false;
    }

    long units() {
        return units;
    }

    double perSecond() {
        double secs = (close - open) / 1e9;
        return secs > 0 ? units / secs : 0;
    }
}
