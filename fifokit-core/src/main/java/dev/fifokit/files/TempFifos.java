package dev.fifokit.files;

import dev.fifokit.FifoException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's private directory for temporary FIFOs (0700), created on first use and removed,
 * with any FIFO left in it, at exit.
 */
final class TempFifos {
    private TempFifos() {}

    private static final AtomicLong COUNTER = new AtomicLong();
    private static final Set<Fifo> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile Path dir;

    static Fifo create(String prefix) throws FifoException {
        if (prefix.contains("/")) {
            throw new IllegalArgumentException("prefix must not contain '/': " + prefix);
        }
        Path d = directory();
        Path p = d.resolve(prefix + "." + ProcessHandle.current().pid() + "." + COUNTER.incrementAndGet() + ".fifo");
        Fifo f = Fifo.create(p, 0600);
        LIVE.add(f);
        return f;
    }

    static void forget(Fifo f) {
        LIVE.remove(f);
    }

    private static synchronized Path directory() throws FifoException {
        if (dir != null) {
            return dir;
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        Path base = runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))
                ? Path.of(runtime) : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Path d = Files.createTempDirectory(base, "fifokit-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("fifokit-temp-cleanup").unstarted(() -> {
                for (Fifo f : LIVE) {
                    try {
                        f.close();
                    } catch (IOException ignored) {
                        // best effort at exit
                    }
                }
                try (var s = Files.list(d)) {
                    s.forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // best effort at exit
                }
                d.toFile().delete();
            }));
            dir = d;
            return d;
        } catch (IOException e) {
            throw new FifoException(base, "cannot create a private directory for temporary FIFOs: " + e.getMessage(), e);
        }
    }
}
