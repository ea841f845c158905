package dev.fifokit.cli;

import dev.fifokit.FifoException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code fifokit completion install}: writes the completion scripts once, as files, where each
 * shell finds them, so that no shell start-up runs fifokit (a JVM):
 * <ul>
 *   <li>bash: {@code $BASH_COMPLETION_USER_DIR/completions/fifokit}, by default
 *       {@code ${XDG_DATA_HOME:-~/.local/share}/bash-completion/completions/fifokit}, where
 *       bash-completion loads it the first time the command is completed (each extra name gets
 *       a link there, since it looks a script up by the command's name);</li>
 *   <li>fish: {@code ${XDG_CONFIG_HOME:-~/.config}/fish/completions/NAME.fish}, which fish
 *       loads by itself;</li>
 *   <li>zsh: {@code ${XDG_DATA_HOME:-~/.local/share}/fifokit/completion.zsh}, for a
 *       {@code source} line in {@code ~/.zshrc} (zsh has no folder it reads such a script from).</li>
 * </ul>
 * Each file is replaced whole (written beside, then renamed), so a shell never reads half of one.
 */
final class CompletionInstaller {
    private CompletionInstaller() {}

    /** Installs the scripts completing fifokit and {@code extraNames}, and says where on {@code out}. */
    static void install(Set<String> extraNames, Supplier<CommandLine> tree, PrintStream out) throws IOException {
        Path home = Path.of(env("HOME", System.getProperty("user.home")));
        Path data = xdg("XDG_DATA_HOME", home.resolve(".local/share"));
        Path config = xdg("XDG_CONFIG_HOME", home.resolve(".config"));
        Path bashDir = xdg("BASH_COMPLETION_USER_DIR", data.resolve("bash-completion")).resolve("completions");
        // bash-completion and fish look a script up by the command's name: a file name, no slash
        List<String> fileNames = new ArrayList<>();
        for (String n : extraNames) {
            if (!n.contains("/") && !n.startsWith(".")) {
                fileNames.add(n);
            }
        }

        Path bash = bashDir.resolve("fifokit");
        write(bash, Completions.script("bash", extraNames, tree));
        for (String n : fileNames) {
            link(bashDir.resolve(n), Path.of("fifokit"));
        }
        Path zsh = data.resolve("fifokit/completion.zsh");
        write(zsh, Completions.script("zsh", extraNames, tree));
        Path fish = config.resolve("fish/completions/fifokit.fish");
        write(fish, Completions.fishScriptFor("fifokit", tree));
        for (String n : fileNames) {
            write(fish.resolveSibling(n + ".fish"), Completions.fishScriptFor(n, tree));
        }

        String also = fileNames.isEmpty() ? "" : " (and as " + String.join(", ", fileNames) + ")";
        out.println("bash: " + shown(bash, home) + also);
        out.println("      bash-completion loads it the first time fifokit is completed; without bash-completion,");
        out.println("      add to ~/.bashrc:  " + sourceLine(".", bash, home));
        out.println("zsh:  " + shown(zsh, home));
        out.println("      add to ~/.zshrc:   " + sourceLine("source", zsh, home));
        out.println("fish: " + shown(fish, home) + (fileNames.isEmpty() ? "" : " and beside it") + " (fish loads it by itself)");
        out.println("No shell runs fifokit when it starts. Run 'fifokit completion install' again after updating fifokit.");
        out.flush();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v != null && !v.isEmpty() ? v : fallback;
    }

    /** An XDG base directory: the variable when it is an absolute path (as the spec says), else the default. */
    private static Path xdg(String variable, Path fallback) {
        String v = System.getenv(variable);
        return v != null && v.startsWith("/") ? Path.of(v) : fallback;
    }

    private static void write(Path file, String content) throws IOException {
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new FifoException(file, "cannot write the completion script: " + Failures.message(e), e);
        }
    }

    private static void link(Path link, Path target) throws IOException {
        try {
            if (Files.isSymbolicLink(link) || Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(link);
            }
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new FifoException(link, "cannot link the completion script: " + Failures.message(e), e);
        }
    }

    /** {@code file} as a person reads it: under the home folder, from {@code ~}. */
    private static String shown(Path file, Path home) {
        return file.startsWith(home) ? "~/" + home.relativize(file) : file.toString();
    }

    /** A start-up file's line that reads {@code file} when it is there (and says nothing when not). */
    static String sourceLine(String command, Path file, Path home) {
        String quoted = file.startsWith(home) && !home.relativize(file).toString().matches(".*[\"$`\\\\].*")
                ? "\"$HOME/" + home.relativize(file) + "\""
                : "'" + file.toString().replace("'", "'\\''") + "'";
        return "[ -r " + quoted + " ] && " + command + " " + quoted;
    }
}
