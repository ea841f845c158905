package dev.fifokit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * {@code mkfifo -m MODE} as coreutils' mkfifo(1) reads it: octal ({@code 0640}, {@code 644}),
 * or symbolic clauses ({@code u=rw,g=r}, {@code a+w}, {@code go-rwx}) applied in turn to
 * {@code 0666}. A clause without u, g, o or a ({@code +x}, {@code =r}) leaves out the bits the
 * umask has (as chmod does), one with them does not; {@code X} adds execute bits only where one
 * is already set (never, from 0666). The result must be permission bits only: a setuid, setgid
 * or sticky bit is refused ("mode must specify only file permission bits"), as coreutils refuses it.
 */
final class FileModes {
    private FileModes() {}

    private static final int SUID = 04000;
    private static final int SGID = 02000;
    private static final int SVTX = 01000;
    private static final int USER = 0700;
    private static final int GROUP = 070;
    private static final int OTHER = 07;
    private static final int READ = 0444;
    private static final int WRITE = 0222;
    private static final int EXEC = 0111;
    private static final int ALL = 07777;
    /** What mkfifo(1) starts from before a symbolic mode. */
    static final int START = 0666;

    /**
     * The permission bits {@code text} gives a new FIFO.
     *
     * @param umask this process's umask, asked for only when a clause has no u, g, o or a
     * @throws IllegalArgumentException saying what is wrong: not a mode, or bits beyond 0777
     */
    static int parse(String text, Supplier<OptionalInt> umask) {
        int mode = text.isEmpty() || text.charAt(0) < '0' || text.charAt(0) > '7'
                ? symbolic(text, umask) : octal(text);
        if ((mode & ~0777) != 0) {
            throw new IllegalArgumentException("mode must specify only file permission bits (at most 0777, not "
                    + String.format("%04o", mode) + ")");
        }
        return mode;
    }

    private static int octal(String text) {
        int mode = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '7') {
                throw invalid();
            }
            mode = mode * 8 + (c - '0');
            if (mode > ALL) {
                throw invalid();
            }
        }
        return mode;
    }

    /** The clauses {@code [ugoa]*([-+=]([rwxXst]*|[ugo]))+}, comma-separated, applied to {@link #START}. */
    private static int symbolic(String text, Supplier<OptionalInt> umask) {
        int mode = START;
        int i = 0;
        while (true) {
            int who = 0;
            for (; i < text.length() && "ugoa".indexOf(text.charAt(i)) >= 0; i++) {
                who |= switch (text.charAt(i)) {
                    case 'u' -> SUID | USER;
                    case 'g' -> SGID | GROUP;
                    case 'o' -> SVTX | OTHER;
                    default -> ALL;
                };
            }
            if (i == text.length() || "=+-".indexOf(text.charAt(i)) < 0) {
                throw invalid();
            }
            while (i < text.length() && "=+-".indexOf(text.charAt(i)) >= 0) {
                char op = text.charAt(i++);
                int value = 0;
                if (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '7') {
                    // `=640` after no u, g, o or a: octal, the whole mode
                    int end = i;
                    while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
                        end++;
                    }
                    if (who != 0 || (end < text.length() && text.charAt(end) != ',')) {
                        throw invalid();
                    }
                    value = octal(text.substring(i, end));
                    i = end;
                    mode = apply(mode, op, ALL, value);
                    continue;
                }
                if (i < text.length() && "ugo".indexOf(text.charAt(i)) >= 0) {
                    // copy the bits one class has now to the classes named
                    int shift = switch (text.charAt(i++)) {
                        case 'u' -> 6;
                        case 'g' -> 3;
                        default -> 0;
                    };
                    int bits = (mode >> shift) & 07;
                    value = bits << 6 | bits << 3 | bits;
                } else {
                    boolean executeIfAny = false;
                    for (; i < text.length() && "rwxXst".indexOf(text.charAt(i)) >= 0; i++) {
                        value |= switch (text.charAt(i)) {
                            case 'r' -> READ;
                            case 'w' -> WRITE;
                            case 'x' -> EXEC;
                            case 's' -> SUID | SGID;
                            case 't' -> SVTX;
                            default -> {
                                executeIfAny = true;
                                yield 0;
                            }
                        };
                    }
                    if (executeIfAny && (mode & EXEC) != 0) {
                        value |= EXEC;
                    }
                }
                int affected = who != 0 ? who : ~umask(umask) & ALL;
                mode = apply(mode, op, who != 0 ? who : 0, value & affected);
            }
            if (i == text.length()) {
                return mode;
            }
            if (text.charAt(i) != ',') {
                throw invalid();
            }
            i++;
        }
    }

    /** One operation: {@code =} replaces the {@code who} bits (all of them when 0), {@code +} adds, {@code -} removes. */
    private static int apply(int mode, char op, int who, int value) {
        return switch (op) {
            case '=' -> (mode & (who != 0 ? ~who : 0)) | value;
            case '+' -> mode | value;
            default -> mode & ~value;
        };
    }

    private static int umask(Supplier<OptionalInt> umask) {
        return umask.get().orElseThrow(() -> new IllegalArgumentException(
                "cannot read the umask (/proc/self/status), which a clause without u, g, o or a needs: "
                        + "name them (a+x) or give the mode in octal"));
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("use octal permission bits such as 0640, or symbolic ones such as "
                + "u=rw,g=r");
    }

    /** This process's umask, from {@code /proc/self/status}; empty when it cannot be read. */
    static OptionalInt processUmask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return OptionalInt.of(Integer.parseInt(line.substring("Umask:".length()).trim(), 8));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc, or a kernel before 4.7
        }
        return OptionalInt.empty();
    }
}
