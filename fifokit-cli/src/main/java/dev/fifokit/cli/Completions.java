package dev.fifokit.cli;

import picocli.AutoComplete;
import picocli.CommandLine;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The completion scripts of {@code fifokit completion}: bash's from picocli, zsh's the same
 * behind zsh's bash emulation, fish's from {@link FishCompletion}. Each completes the name
 * {@code fifokit} and the extra names asked for (the name the launcher was started as, e.g. a
 * symlink {@code fk}, and {@code --name}). The scripts are rendered when the jar is built
 * ({@link Prerendered}); the command tree makes them only when the jar has none.
 */
final class Completions {
    private Completions() {}

    /** The shells with a script. */
    static final List<String> SHELLS = List.of("bash", "zsh", "fish");

    /** A word every shell takes as a command name without quoting. */
    private static final Pattern COMMAND_NAME = Pattern.compile("[A-Za-z0-9._+/-]+");

    /** The names picocli's bash script registers. */
    private static final String BASH_NAMES = "fifokit fifokit.sh fifokit.bash";

    /** The values of {@code completion SHELL}, for the completion scripts themselves. */
    static final class Shells implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("bash", "zsh", "fish", "install").iterator();
        }
    }

    /** True when {@code name} may be completed (letters, digits and {@code . _ + / -}). */
    static boolean isCommandName(String name) {
        return COMMAND_NAME.matcher(name).matches();
    }

    /**
     * The names to complete besides {@code fifokit}: the launcher's {@code FIFOKIT_PROG} (the
     * name it was started as; ignored unless a plain command name) and {@code requested}, which
     * the caller has checked with {@link #isCommandName}.
     */
    static Set<String> extraNames(Collection<String> requested) {
        Set<String> extra = new LinkedHashSet<>();
        String prog = System.getenv("FIFOKIT_PROG");
        if (prog != null && isCommandName(prog)) {
            extra.add(prog);
        }
        extra.addAll(requested);
        extra.removeAll(Set.of("fifokit", "fifokit.sh", "fifokit.bash"));
        return extra;
    }

    /** The script for {@code shell} (bash, zsh or fish) completing fifokit and {@code extraNames}. */
    static String script(String shell, Set<String> extraNames, Supplier<CommandLine> tree) {
        if (shell.equals("fish")) {
            String script = base("fish", tree);
            String names = FishCompletion.NAMES_LINE + " fifokit\n";
            return extraNames.isEmpty() ? script
                    : script.replace(names, FishCompletion.NAMES_LINE + " fifokit " + String.join(" ", extraNames) + "\n");
        }
        String script = base("bash", tree);
        String registration = BASH_NAMES + "\n";
        if (!extraNames.isEmpty() && script.contains(registration)) {
            script = script.replace(registration, BASH_NAMES + " " + String.join(" ", extraNames) + "\n");
        }
        if (shell.equals("zsh")) {
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        return script;
    }

    /** The fish script completing exactly {@code name} (fish loads one file per command name). */
    static String fishScriptFor(String name, Supplier<CommandLine> tree) {
        return base("fish", tree).replace(FishCompletion.NAMES_LINE + " fifokit\n",
                FishCompletion.NAMES_LINE + " " + name + "\n");
    }

    /** The script rendered at build time, else made from the tree. */
    private static String base(String kind, Supplier<CommandLine> tree) {
        String rendered = Prerendered.resource("completion." + kind);
        return rendered != null ? rendered : generate(kind, tree.get());
    }

    /** Makes the bash or fish script for {@code root} (the whole tree). */
    static String generate(String kind, CommandLine root) {
        return kind.equals("fish") ? FishCompletion.script(root) : AutoComplete.bash("fifokit", root);
    }
}
