package dev.fifokit.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --progress}: bytes and rate on stderr, and a final summary line. On a terminal the
 * line is redrawn twice a second in place ({@code \r}, then ESC [K clears what a longer
 * earlier line left); when stderr is a file or a pipe, a plain line is printed every
 * {@link #PLAIN_EVERY_MS} ms instead, so a log gets a few readable lines rather than
 * carriage returns. The summary line ends it, also when a signal (Ctrl-C) ends the copy, as
 * with dd and pv. Does nothing when not enabled.
 */
final class Progress implements AutoCloseable {
    /** Between two plain lines when stderr is not a terminal. */
    static final long PLAIN_EVERY_MS = 10_000;
    private static final String CLEAR_TO_END = "\033[K";

    private final AtomicLong bytes = new AtomicLong();
    private final long start = System.nanoTime();
    private final PrintStream err;
    private final boolean terminal;
    private final long everyMs;
    private final Thread ticker;
    /** Prints the summary when the JVM exits while copying (Ctrl-C, SIGTERM), as dd and pv do. */
    private final Thread onExit;
    private volatile boolean done;
    /** Set by whichever prints the one summary: {@link #close()} or {@link #onExit}. */
    private final AtomicBoolean summarized = new AtomicBoolean();

    Progress(boolean enabled, PrintStream err) {
        this(enabled, err, stderrIsTerminal(), 0);
    }

    /** {@code everyMs}: between two updates (0: twice a second on a terminal, else {@link #PLAIN_EVERY_MS}). */
    Progress(boolean enabled, PrintStream err, boolean terminal, long everyMs) {
        this.err = err;
        this.terminal = terminal;
        this.everyMs = everyMs > 0 ? everyMs : terminal ? 500 : PLAIN_EVERY_MS;
        if (enabled) {
            ticker = Thread.ofPlatform().daemon().name("fifokit-progress").start(this::tick);
            onExit = new Thread(this::interrupted, "fifokit-progress-summary");
            Runtime.getRuntime().addShutdownHook(onExit);
        } else {
            ticker = null;
            onExit = null;
        }
    }

    /** True when descriptor 2 is a terminal (a tty or pseudo-terminal device). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return false;
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
                Thread.sleep(everyMs);
            } catch (InterruptedException e) {
                return;
            }
            if (!done) {
                err.print(terminal ? "\r" + line() + CLEAR_TO_END : line() + "\n");
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
        boolean exiting = false;
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            exiting = true; // a signal is ending the JVM, which ended the copy
        }
        summary(exiting ? "interrupted: " : "done: ");
    }

    /** The copy was cut short by the JVM's exit (a signal): end the line with a summary. */
    void interrupted() {
        summary("interrupted: ");
    }

    private void summary(String what) {
        if (!summarized.compareAndSet(false, true)) {
            return;
        }
        done = true;
        ticker.interrupt();
        try {
            ticker.join(1000); // no update may follow the summary
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.print((terminal ? "\r" : "") + what + line() + (terminal ? CLEAR_TO_END : "") + "\n");
        err.flush();
    }
}
