package dev.fifokit.diagnostics;

import java.nio.file.Path;

/**
 * The system call a task is blocked in, from {@code /proc/<pid>/task/<tid>/syscall}:
 * {@code "<nr> <arg1> ... <arg6> <sp> <pc>"} (arguments in hex). That file is readable only
 * with ptrace access to the process (root, or the same user without Yama restrictions).
 *
 * @param number the system call number (architecture specific)
 * @param args   its six arguments, raw register values
 */
record Syscall(long number, long[] args) {
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    static final long READ = AARCH64 ? 63 : 0;
    static final long WRITE = AARCH64 ? 64 : 1;
    static final long OPEN = AARCH64 ? -2 : 2; // aarch64 has only openat
    static final long READV = AARCH64 ? 65 : 19;
    static final long WRITEV = AARCH64 ? 66 : 20;
    static final long PREAD = AARCH64 ? 67 : 17;
    static final long PWRITE = AARCH64 ? 68 : 18;
    static final long PREADV = AARCH64 ? 69 : 295;
    static final long PWRITEV = AARCH64 ? 70 : 296;
    static final long OPENAT = AARCH64 ? 56 : 257;
    static final long OPENAT2 = 437;

    /** The task's current system call, or {@code null} when it is running, not in one, or unreadable. */
    static Syscall of(Path syscallFile) {
        String s = ProcFs.readQuietly(syscallFile);
        return s == null ? null : parse(s);
    }

    static Syscall parse(String text) {
        String[] f = text.strip().split("\\s+");
        if (f.length < 7 || !f[0].matches("\\d+")) {
            return null; // "running", or "-1 sp pc" (in the kernel, not in a system call)
        }
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            String a = f[i + 1];
            try {
                args[i] = a.startsWith("0x") ? Long.parseUnsignedLong(a.substring(2), 16) : Long.parseLong(a);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return new Syscall(Long.parseLong(f[0]), args);
    }

    /** The descriptor a plain read/write-family call works on, or -1 for any other call. */
    int ioDescriptor() {
        if (number == READ || number == WRITE || number == READV || number == WRITEV
                || number == PREAD || number == PWRITE || number == PREADV || number == PWRITEV) {
            return (int) args[0];
        }
        return -1;
    }

    boolean isOpen() {
        return number == OPEN || number == OPENAT || number == OPENAT2;
    }

    /** For an open call: the directory descriptor (AT_FDCWD = -100 for plain open). */
    int openDirFd() {
        return number == OPEN ? -100 : (int) args[0];
    }

    /** For an open call: the address of the path string in the caller's memory. */
    long openPathAddress() {
        return number == OPEN ? args[0] : args[1];
    }

    /**
     * For open and openat: the flags argument. For openat2: the address of its
     * {@code struct open_how} (whose first field is the 64-bit flags), see {@link #isOpenat2()}.
     */
    long openFlagsArgument() {
        return number == OPEN ? args[1] : args[2];
    }

    boolean isOpenat2() {
        return number == OPENAT2;
    }
}
