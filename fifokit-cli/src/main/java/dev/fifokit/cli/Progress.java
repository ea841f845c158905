package dev.fifokit.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --progress}: bytes and rate on stderr, refreshed twice a second on one line, and a
 * final summary. Does nothing when not enabled.
 */
final class Progress implements AutoCloseable {
    private final AtomicLong bytes = new AtomicLong();
    private final long start = System.nanoTime();
    private final PrintStream err;
    private final Thread ticker;
    private volatile boolean done;

    Progress(boolean enabled, PrintStream err) {
        this.err = err;
        if (enabled) {
            ticker = Thread.ofPlatform().daemon().name("fifokit-progress").start(this::tick);
        } else {
            ticker = null;
        }
    }

    void add(long n) {
        if (n > 0) {
            bytes.addAndGet(n);
        }
    }

    long total() {
        return bytes.get();
    }

    private void tick() {
        while (!done) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            if (!done) {
                err.print("\r" + line());
                err.flush();
            }
        }
    }

    String line() {
        double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        long b = bytes.get();
        return String.format(Locale.ROOT, "%d bytes (%s) in %.1fs, %s/s", b, human(b), secs, human((long) (b / secs)));
    }

    static String human(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return n + " B";
        }
        // one decimal, rounded half up as %.1f does; built by hand because the first
        // String.format of a run loads the locale data, a tenth of `fifokit limits`
        long tenths = Math.round(v * 10);
        return tenths / 10 + "." + tenths % 10 + " " + units[u];
    }

    @Override
    public void close() {
        if (ticker == null) {
            return;
        }
        done = true;
        ticker.interrupt();
        err.print("\r" + line() + "\n");
        err.flush();
    }
}
