package dev.fifokit.diagnostics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small, forgiving reads of {@code /proc}. Files there report size 0, so they are read as
 * streams (never {@code Files.readString}, which trusts the size). A process may exit between
 * any two reads: the "quiet" readers return {@code null} instead of throwing.
 */
final class ProcFs {
    private ProcFs() {}

    static final Path PROC = Path.of("/proc");

    static Path pidDir(long pid) {
        return PROC.resolve(Long.toString(pid));
    }

    /** The whole file as UTF-8; throws what the read throws. */
    static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The whole file, or {@code null} when it cannot be read (gone, denied, ESRCH...). */
    static String readQuietly(Path file) {
        try {
            return read(file);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The first line without its newline, or {@code null}. */
    static String firstLine(Path file) {
        String s = readQuietly(file);
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * A wait channel as a symbol name, {@code ""} when the task is not sleeping in the kernel
     * or the kernel hides the symbol from us ("0"), {@code null} when unreadable.
     */
    static String wchan(Path file) {
        String s = readQuietly(file);
        if (s == null) {
            return null;
        }
        s = s.strip();
        return s.equals("0") ? "" : s;
    }

    /** The command name ({@code comm}) of a process, or {@code null} once it is gone. */
    static String comm(long pid) {
        return firstLine(pidDir(pid).resolve("comm"));
    }

    /**
     * The one-letter state from {@code /proc/<pid>/stat} (the field after the parenthesised
     * command, which may itself contain spaces and parentheses), or {@code 0} when unreadable.
     */
    static char statState(Path statFile) {
        String s = readQuietly(statFile);
        if (s == null) {
            return 0;
        }
        int close = s.lastIndexOf(')');
        if (close < 0 || close + 2 >= s.length()) {
            return 0;
        }
        return s.charAt(close + 2);
    }

    /** Numeric names in {@code dir} (pids, tids or descriptors), in ascending order. */
    static List<Long> numericEntries(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (isNumber(name)) {
                    out.add(Long.parseLong(name));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Like {@link #numericEntries} but empty when the directory cannot be listed. */
    static List<Long> numericEntriesQuietly(Path dir) {
        try {
            return numericEntries(dir);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
