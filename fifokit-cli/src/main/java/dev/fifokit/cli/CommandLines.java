package dev.fifokit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A process's command line as {@code who} shows it: from {@code /proc/PID/cmdline}, the
 * program's file name and its arguments, a JVM's options left out (so every JVM is not just
 * {@code java}: {@code java dev.example.Main --port 80}), fifokit's own JVM by the command that
 * started it ({@code fifokit cat /tmp/p}), cut to {@link #WIDTH} characters.
 */
final class CommandLines {
    private CommandLines() {}

    /** The most characters shown. */
    static final int WIDTH = 60;

    /** JVM options whose value is the next argument. */
    private static final Set<String> JVM_OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path",
            "-p", "--module-path", "--upgrade-module-path", "--add-modules", "--add-opens", "--add-exports",
            "--add-reads", "--limit-modules", "--patch-module", "--enable-native-access");

    /** The shortened command line of {@code pid}, or {@code fallback} (its comm) when it has none. */
    static String of(long pid, String fallback) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String text = new String(raw, StandardCharsets.UTF_8);
            if (text.endsWith("\0")) {
                text = text.substring(0, text.length() - 1);
            }
            return text.isEmpty() ? fallback : shorten(Arrays.asList(text.split("\0", -1)), fallback);
        } catch (IOException | RuntimeException e) {
            return fallback; // exited, or a kernel thread
        }
    }

    /** Where fifokit's own arguments start in a JVM's arguments after its options, or -1 when it is not fifokit. */
    private static int fifokitCommand(List<String> afterOptions) {
        if (afterOptions.size() >= 2 && afterOptions.getFirst().equals("-jar")
                && (afterOptions.get(1).equals("fifokit.jar") || afterOptions.get(1).endsWith("/fifokit.jar"))) {
            return 2;
        }
        if (!afterOptions.isEmpty() && afterOptions.getFirst().equals(Main.class.getName())) {
            return 1;
        }
        return -1;
    }

    static String shorten(List<String> argv, String fallback) {
        if (argv.isEmpty() || argv.getFirst().isEmpty()) {
            return fallback;
        }
        String program = argv.getFirst();
        program = program.substring(program.lastIndexOf('/') + 1);
        List<String> words = new ArrayList<>();
        words.add(program);
        List<String> rest = argv.subList(1, argv.size());
        if (program.equals("java") || program.startsWith("java-") || "java".equals(fallback)) {
            int i = 0;
            while (i < rest.size()) {
                String a = rest.get(i);
                if (a.equals("-jar") || a.equals("-m") || a.equals("--module")) {
                    break;
                }
                if (!a.startsWith("-")) {
                    break; // the main class
                }
                i += JVM_OPTIONS_WITH_VALUE.contains(a) ? 2 : 1;
            }
            rest = rest.subList(Math.min(i, rest.size()), rest.size());
            // fifokit's own JVM (the launcher's `java -jar .../fifokit.jar`, or its main class): by
            // the command a user typed, `fifokit cat /tmp/p`
            int command = fifokitCommand(rest);
            if (command >= 0) {
                words.set(0, "fifokit");
                rest = rest.subList(command, rest.size());
            }
        }
        words.addAll(rest);
        String line = String.join(" ", words).replaceAll("[\\p{Cntrl}]", "?");
        return line.length() <= WIDTH ? line : line.substring(0, WIDTH - 3) + "...";
    }
}
