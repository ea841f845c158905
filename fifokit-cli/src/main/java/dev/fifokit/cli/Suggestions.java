package dev.fifokit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * "Possible solutions" for a mistyped option that picocli finds none for: picocli proposes the
 * options that begin with the typo's first two letters ({@code --jsn}: {@code --json}), so a
 * slip in those letters ({@code --frmat}) got nothing. This proposes the options one or two
 * edits away (a letter left out, added, changed, or two swapped).
 */
final class Suggestions {
    private Suggestions() {}

    /** Prints picocli's suggestions for {@code ex}, else ours; true when there were any. */
    static boolean print(CommandLine.ParameterException ex, PrintWriter err) {
        if (CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            return true;
        }
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || !u.isUnknownOption()) {
            return false;
        }
        String typed = u.getUnmatched().getFirst();
        int eq = typed.indexOf('=');
        if (eq > 0) {
            typed = typed.substring(0, eq);
        }
        List<String> close = new ArrayList<>();
        for (OptionSpec o : ex.getCommandLine().getCommandSpec().options()) {
            if (o.hidden()) {
                continue;
            }
            for (String name : o.names()) {
                if (name.length() > 2 && distance(typed, name) <= (name.length() > 6 ? 2 : 1)) {
                    close.add(name);
                }
            }
        }
        if (close.isEmpty()) {
            return false;
        }
        err.println("Possible solutions: " + String.join(", ", close));
        return true;
    }

    /** Edits from {@code a} to {@code b}: letters inserted, deleted, replaced, or two next to each other swapped. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
