package dev.fifokit.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Plain descriptors made the way a parent process or a C program would (blocking, inheritable),
 * through its own FFM calls, so that tests of adoption do not depend on fifokit's native layer.
 */
public final class RawFds {
    private RawFds() {}

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 04000;
    public static final int FD_CLOEXEC = 1;

    private static final Linker L = Linker.nativeLinker();

    private static MethodHandle h(String name, FunctionDescriptor d, Linker.Option... o) {
        return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), d, o);
    }

    private static final MethodHandle PIPE2 = h("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN = h("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = h("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = h("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = h("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle DUP = h("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE = h("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    /** pipe2(0): {read, write}, both blocking and inheritable. */
    public static int[] pipe() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8, 4);
            check((int) PIPE2.invokeExact(fds, 0), "pipe2");
            return new int[] {fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** open(2) without O_CLOEXEC or O_NONBLOCK unless given. */
    public static int open(Path path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return check((int) OPEN.invokeExact(a.allocateFrom(path.toString()), flags, 0), "open " + path);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A unix stream socket (AF_UNIX = 1, SOCK_STREAM = 1). */
    public static int socket() {
        try {
            return check((int) SOCKET.invokeExact(1, 1, 0), "socket");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** dup(2): a second descriptor sharing the open file description, as a parent's copy does. */
    public static int dup(int fd) {
        try {
            return check((int) DUP.invokeExact(fd), "dup");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** F_GETFL. */
    public static int statusFlags(int fd) {
        try {
            return (int) FCNTL.invokeExact(fd, 3, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** F_GETFD. */
    public static int descriptorFlags(int fd) {
        try {
            return (int) FCNTL.invokeExact(fd, 1, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Writes all of {@code bytes} with blocking write(2) calls. */
    public static void write(int fd, byte[] bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes);
            long done = 0;
            while (done < bytes.length) {
                long n = (long) WRITE.invokeExact(fd, buf.asSlice(done), bytes.length - done);
                if (n <= 0) {
                    throw new AssertionError("write to fd " + fd + " failed");
                }
                done += n;
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2); quiet when already closed. */
    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** True when this process has {@code fd} open. */
    public static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd));
    }

    private static int check(int r, String what) {
        if (r < 0) {
            throw new AssertionError(what + " failed");
        }
        return r;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
