package dev.fifokit.cli;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Paths given on the command line. {@code /dev/fd/N}, {@code /proc/self/fd/N} and
 * {@code /proc/PID/fd/N} name a descriptor that is already open (a shell's process substitution
 * {@code <(...)} passes one), not a link someone planted: they are followed without {@code -L}.
 */
final class PathArgs {
    private PathArgs() {}

    private static final Pattern DESCRIPTOR =
            Pattern.compile("/dev/fd/\\d+|/proc/(self|thread-self|\\d+)/fd/\\d+|/dev/std(in|out|err)");

    /** True when {@code path} names an open descriptor (see the class comment). */
    static boolean isDescriptor(Path path) {
        return path != null && DESCRIPTOR.matcher(path.toString()).matches();
    }

    /** Whether to follow a symlink at {@code path}: asked with {@code -L}, or a descriptor path. */
    static boolean follow(Path path, boolean dereference) {
        return dereference || isDescriptor(path);
    }
}
