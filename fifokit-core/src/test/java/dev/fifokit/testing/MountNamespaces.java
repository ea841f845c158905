package dev.fifokit.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * For tests that run a child without /proc: {@code unshare --mount}, then an empty tmpfs over
 * /proc in that namespace alone. Needs the right to make a mount namespace (root, here).
 */
public final class MountNamespaces {
    private MountNamespaces() {}

    /** Skips the test where {@code unshare --mount} is not permitted, saying why. */
    public static void assumeAvailable() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "true")
                .redirectErrorStream(true).start();
        try {
            boolean done = probe.waitFor(30, TimeUnit.SECONDS);
            String why = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            Assumptions.assumeTrue(done && probe.exitValue() == 0,
                    "cannot make a mount namespace here (unshare --mount: " + why + "); skipped");
        } finally {
            probe.destroyForcibly();
        }
    }
}
