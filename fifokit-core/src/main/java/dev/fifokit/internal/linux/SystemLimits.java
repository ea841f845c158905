package dev.fifokit.internal.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The numbers behind {@code dev.fifokit.Limits}, read from the kernel, never hard-coded
 * (PIPE_BUF aside: see {@link #PIPE_BUF}).
 *
 * <p>{@code Limits.read()} is on the start-up path of {@code fifokit limits}, and the first FFM
 * downcall of a JVM costs ~100 ms (the linker spins LambdaForms and a binding class for each new
 * call shape). So the whole-system numbers come from the kernel's own files and a JDK pipe,
 * without a downcall: {@code /proc/self/limits}, {@code /proc/self/auxv},
 * {@code /proc/sys/fs/pipe-max-size}. Each of them falls back to the libc call (getrlimit,
 * sysconf, pipe2 + F_GETPIPE_SZ) when its file cannot be read (no /proc mounted); tests check
 * that both ways agree.
 */
public final class SystemLimits {
    private SystemLimits() {}

    /**
     * Linux's PIPE_BUF ({@code <linux/limits.h>}), the same on every architecture and file
     * system: glibc's {@code pathconf(path, _PC_PIPE_BUF)} returns this constant without asking
     * the kernel (sysdeps/posix/pathconf.c), and the kernel's pipe_write keeps writes of at most
     * this many bytes whole.
     */
    public static final int PIPE_BUF = 4096;

    /** AT_PAGESZ in the auxiliary vector ({@code <elf.h>}). */
    private static final long AT_PAGESZ = 6;
    /** AT_NULL: the end of the auxiliary vector. */
    private static final long AT_NULL = 0;

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

    /**
     * {soft, hard} RLIMIT_NOFILE: the "Max open files" line of {@code /proc/self/limits}, else
     * getrlimit(2). "unlimited" reads as -1, as RLIM_INFINITY does through getrlimit.
     */
    public static long[] descriptorLimits() {
        long[] fromProc = descriptorLimitsFromProc(Path.of("/proc/self/limits"));
        return fromProc != null ? fromProc : descriptorLimitsByGetrlimit();
    }

    /** {soft, hard} RLIMIT_NOFILE from a {@code /proc/PID/limits} file, or null when unreadable. */
    static long[] descriptorLimitsFromProc(Path limits) {
        byte[] bytes = readProcFile(limits);
        if (bytes == null) {
            return null;
        }
        for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split(" +");
                if (f.length >= 2) {
                    try {
                        return new long[] {rlimitValue(f[0]), rlimitValue(f[1])};
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static long rlimitValue(String s) {
        return s.equals("unlimited") ? -1 : Long.parseLong(s);
    }

    /**
     * sysconf(_SC_OPEN_MAX) given the soft RLIMIT_NOFILE: glibc answers it with getdtablesize(),
     * which is that soft limit (sysdeps/posix/getdtsz.c); asked of sysconf when the limit is
     * unknown or unlimited.
     */
    public static long openMax(long softDescriptorLimit) {
        return softDescriptorLimit >= 0 ? softDescriptorLimit : sysconf(Flags.SC_OPEN_MAX);
    }

    /** {soft, hard} RLIMIT_NOFILE by getrlimit(2), or {-1, -1}. */
    public static long[] descriptorLimitsByGetrlimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rl = arena.allocate(16, 8);
            if (Libc.getrlimit(Libc.newCallState(arena), Flags.RLIMIT_NOFILE, rl) < 0) {
                return new long[] {-1, -1};
            }
            return new long[] {rl.get(JAVA_LONG, 0), rl.get(JAVA_LONG, 8)};
        }
    }

    /**
     * The page size: AT_PAGESZ from {@code /proc/self/auxv} (where glibc's
     * {@code sysconf(_SC_PAGESIZE)} gets it too), else sysconf.
     */
    public static long pageSize() {
        long fromAuxv = pageSizeFromAuxv(Path.of("/proc/self/auxv"));
        return fromAuxv > 0 ? fromAuxv : sysconf(Flags.SC_PAGESIZE);
    }

    /** AT_PAGESZ from an auxiliary vector file (native-endian 8-byte type/value pairs), or -1. */
    static long pageSizeFromAuxv(Path auxv) {
        byte[] bytes = readProcFile(auxv);
        if (bytes == null) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 16) {
            long type = b.getLong();
            long value = b.getLong();
            if (type == AT_PAGESZ) {
                return value;
            }
            if (type == AT_NULL) {
                break;
            }
        }
        return -1;
    }

    /**
     * The capacity a new pipe gets. Measured on a JDK pipe ({@link java.nio.channels.Pipe}, a
     * pipe(2) on Linux): its non-blocking sink takes page-sized writes until the pipe is full,
     * and the bytes it took are the capacity — the kernel gives a new pipe whole pages, as many
     * as F_GETPIPE_SZ reports (fewer than the default 16 once the user is past
     * {@code /proc/sys/fs/pipe-user-pages-soft}, and the fill sees that too). When the JDK pipe
     * cannot be made, pipe2 + F_GETPIPE_SZ answer, with their -errno.
     */
    public static int defaultCapacity(long pageSize) {
        if (pageSize > 0 && pageSize <= (1 << 20)) {
            try {
                java.nio.channels.Pipe p = java.nio.channels.Pipe.open();
                try (var source = p.source(); var sink = p.sink()) {
                    sink.configureBlocking(false);
                    ByteBuffer page = ByteBuffer.allocateDirect((int) pageSize);
                    long total = 0;
                    for (int n; total <= Integer.MAX_VALUE && (n = sink.write(page.clear())) > 0; ) {
                        total += n;
                    }
                    if (total > 0 && total <= Integer.MAX_VALUE) {
                        return (int) total;
                    }
                }
            } catch (IOException e) {
                // fall through to the libc way, which reports why
            }
        }
        return defaultCapacityByFcntl();
    }

    /** The capacity a new pipe gets: made with pipe2 and asked with F_GETPIPE_SZ; or -errno. */
    public static int defaultCapacityByFcntl() {
        long fds = FifoPaths.pipe();
        if (fds < 0) {
            return (int) fds;
        }
        int read = (int) fds;
        int write = (int) (fds >>> 32);
        try (Arena arena = Arena.ofConfined()) {
            return Libc.fcntl(Libc.newCallState(arena), read, Flags.F_GETPIPE_SZ, 0);
        } finally {
            FifoPaths.close(read);
            FifoPaths.close(write);
        }
    }

    /**
     * /proc/sys/fs/pipe-max-size, or -1 when it cannot be read. Read as a stream: the JDK's
     * {@code Files.readString} returns only "1" for this sysctl file (it reports size 0).
     */
    public static long maxCapacity() {
        byte[] bytes = readProcFile(Path.of("/proc/sys/fs/pipe-max-size"));
        try {
            return bytes == null ? -1 : Long.parseLong(new String(bytes, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The whole content of a /proc file, or null when it cannot be read. Read as a stream:
     * /proc files report size 0, and {@code Files.readString} then returns a truncated value.
     */
    private static byte[] readProcFile(Path file) {
        try (var in = Files.newInputStream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }
}
