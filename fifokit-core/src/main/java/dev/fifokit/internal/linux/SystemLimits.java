package dev.fifokit.internal.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The numbers behind {@code dev.fifokit.Limits}, read from the kernel, never hard-coded. */
public final class SystemLimits {
    private SystemLimits() {}

    public static long sysconf(int name) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.sysconf(Libc.newCallState(arena), name);
        }
    }

    /** pathconf(path, _PC_PIPE_BUF), or -errno. */
    public static long pipeBuf(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            long r = Libc.pathconf(st, arena.allocateFrom(path.toString()), Flags.PC_PIPE_BUF);
            return r < 0 ? -Libc.errno(st) : r;
        }
    }

    /** {soft, hard} RLIMIT_NOFILE. */
    public static long[] descriptorLimits() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rl = arena.allocate(16, 8);
            if (Libc.getrlimit(Libc.newCallState(arena), Flags.RLIMIT_NOFILE, rl) < 0) {
                return new long[] {-1, -1};
            }
            return new long[] {rl.get(JAVA_LONG, 0), rl.get(JAVA_LONG, 8)};
        }
    }

    /** The capacity a new pipe gets: made with pipe2 and asked with F_GETPIPE_SZ. */
    public static int defaultCapacity() {
        int[] errno = new int[1];
        int[] fds = Fifos.pipe(errno);
        if (fds == null) {
            return -errno[0];
        }
        try (Arena arena = Arena.ofConfined()) {
            return Libc.fcntl(Libc.newCallState(arena), fds[0], Flags.F_GETPIPE_SZ, 0);
        } finally {
            Fifos.close(fds[0]);
            Fifos.close(fds[1]);
        }
    }

    /**
     * /proc/sys/fs/pipe-max-size, or -1 when it cannot be read. Read as a stream: the JDK's
     * {@code Files.readString} returns only "1" for this sysctl file (it reports size 0).
     */
    public static long maxCapacity() {
        try (var in = Files.newInputStream(Path.of("/proc/sys/fs/pipe-max-size"))) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
