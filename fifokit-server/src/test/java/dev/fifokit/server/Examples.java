package dev.fifokit.server;

import dev.fifokit.testing.CPeer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reference clients under {@code examples/}, found from the module directory. */
final class Examples {
    private Examples() {}

    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples"))) {
                return p.resolve("examples");
            }
        }
        throw new AssertionError("no examples/ directory above " + here);
    }

    /** Compiles examples/c/fifokit-request.c into {@code dir}. */
    static Path cClient(Path dir) throws IOException, InterruptedException {
        String source = Files.readString(root().resolve("c/fifokit-request.c"));
        return CPeer.compile(dir, "fifokit-request", source);
    }

    static Path pythonClient() {
        return root().resolve("python/fifokit_request.py");
    }

    static boolean hasPython() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            boolean ok = p.waitFor() == 0;
            dev.fifokit.testing.Processes.closeStreams(p);
            return ok;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
