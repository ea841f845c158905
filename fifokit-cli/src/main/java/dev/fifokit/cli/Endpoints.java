package dev.fifokit.cli;

import dev.fifokit.FifoException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.Inherited;
import dev.fifokit.ends.ListenFds;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a command's PATH argument may name a descriptor instead of a file:
 * {@code fd:N} is descriptor N inherited from the parent (a shell's {@code 3<fifo}, a pipe),
 * {@code listen:NAME} the descriptor a service manager passed under that name (systemd's
 * {@code ListenFIFO=} with {@code FileDescriptorName=NAME}, or {@code systemd-socket-activate
 * --fdname=NAME}; {@code LISTEN_PID} must be this process). Both are checked to be a FIFO or
 * pipe open in the right direction. A file whose name starts like that is given as
 * {@code ./fd:3}.
 */
final class Endpoints {
    private Endpoints() {}

    /** Shown in the PATH parameter's help of every command that accepts these forms. */
    static final String HELP = "fd:N names inherited descriptor N, listen:NAME one passed by systemd (LISTEN_FDNAMES).";

    private static final Pattern FD = Pattern.compile("fd:(\\d{1,9})");
    private static final Pattern LISTEN = Pattern.compile("listen:(.+)");

    /** True when {@code arg} is {@code fd:N} or {@code listen:NAME}, not a path. */
    static boolean isDescriptor(Path arg) {
        String s = arg.toString();
        return FD.matcher(s).matches() || LISTEN.matcher(s).matches();
    }

    private static int descriptor(Path arg) throws FifoException {
        String s = arg.toString();
        Matcher fd = FD.matcher(s);
        if (fd.matches()) {
            return Integer.parseInt(fd.group(1));
        }
        Matcher listen = LISTEN.matcher(s);
        if (listen.matches()) {
            return ListenFds.fromEnvironment().require(listen.group(1));
        }
        throw new IllegalArgumentException("not a descriptor: " + s);
    }

    /** Opens PATH for reading, or adopts {@code fd:N} / {@code listen:NAME} (no wait: it is open). */
    static FifoReader reader(Path arg, ReaderOptions options) throws IOException {
        return isDescriptor(arg) ? Inherited.reader(descriptor(arg), options.io()) : FifoReader.open(arg, options);
    }

    /** Opens PATH for writing, or adopts {@code fd:N} / {@code listen:NAME} (no wait: it is open). */
    static FifoWriter writer(Path arg, WriterOptions options) throws IOException {
        return isDescriptor(arg) ? Inherited.writer(descriptor(arg), options.io()) : FifoWriter.open(arg, options);
    }
}
