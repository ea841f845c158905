package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Asks a pipe's capacity through a descriptor another process already holds, without opening
 * the FIFO: {@code pidfd_open(2)} and {@code pidfd_getfd(2)} copy that process's descriptor
 * into this one (the same open file, like {@code dup(2)} across processes), then
 * {@code F_GETPIPE_SZ} and {@code close(2)}.
 *
 * <p>Why not open the FIFO: an open for reading releases a writer blocked in open (which then
 * writes into a pipe nobody will read, and its bytes are lost when the last end closes), and an
 * open for writing releases a blocked reader and, on close, may hand a reader an early EOF. A
 * copied descriptor is neither a new reader nor a new writer (the kernel counts opens, not
 * descriptors), so it wakes nobody and reads nothing. It needs permission to trace the process
 * (the same user, or CAP_SYS_PTRACE) and Linux 5.6.
 */
public final class BorrowedPipe {
    private BorrowedPipe() {}

    private static final long SYS_PIDFD_OPEN = 434; // the same number on every architecture
    private static final long SYS_PIDFD_GETFD = 438;

    private static final class H {
        static final Linker LINKER = Linker.nativeLinker();
        static final StructLayout STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
        static final MethodHandle SYSCALL3 = LINKER.downcallHandle(
                LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                CAPTURE, Linker.Option.firstVariadicArg(1));
        static final MethodHandle FCNTL = LINKER.downcallHandle(
                LINKER.defaultLookup().find("fcntl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                CAPTURE, Linker.Option.firstVariadicArg(2));
        static final MethodHandle CLOSE = LINKER.downcallHandle(
                LINKER.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    /**
     * The capacity of the pipe behind descriptor {@code fd} of process {@code pid} (checked to
     * be inode {@code inode}), in bytes, or
     * {@code -errno} when it cannot be borrowed (ESRCH: gone; EPERM: not ours to trace; EBADF:
     * closed meanwhile; ENOSYS: kernel too old) or is not a pipe (EBADF from F_GETPIPE_SZ).
     * Never blocks.
     */
    public static long capacity(long pid, int fd, long inode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(H.STATE);
            long pidfd = (long) H.SYSCALL3.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L, 0L);
            if (pidfd < 0) {
                return -errno(state);
            }
            try {
                long copy = (long) H.SYSCALL3.invokeExact(state, SYS_PIDFD_GETFD, pidfd, (long) fd, 0L);
                if (copy < 0) {
                    return -errno(state);
                }
                try {
                    // the holder may have closed that descriptor since the scan, and the number
                    // been reused: only the same inode answers for this FIFO
                    Stat s = Stat.of((int) copy);
                    if (!s.ok() || s.ino() != inode) {
                        return -Errors.EBADF;
                    }
                    int size = (int) H.FCNTL.invokeExact(state, (int) copy, Flags.F_GETPIPE_SZ, 0);
                    return size < 0 ? -errno(state) : size;
                } finally {
                    int ignored = (int) H.CLOSE.invokeExact((int) copy);
                }
            } finally {
                int ignored = (int) H.CLOSE.invokeExact((int) pidfd);
            }
        } catch (Error | RuntimeException e) {
            IllegalCallerException denied = NativeAccess.explain(e);
            if (denied != null) {
                throw denied;
            }
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) H.ERRNO.get(state, 0L);
    }
}
