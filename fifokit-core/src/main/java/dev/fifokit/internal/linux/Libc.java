package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc functions fifokit calls, through the FFM API.
 *
 * <p>Every wrapper returns the call's result, or {@code -errno} when the call failed, so a
 * caller tests {@code r < 0} and maps {@code (int) -r} with {@link Errors}. The errno is
 * captured into a caller-supplied {@linkplain #newCallState(Arena) call-state segment};
 * hot paths keep one per end, cold paths allocate one in a confined arena.
 *
 * <p>Each downcall handle lives in its own holder class, so a handle is only created the
 * first time it is used: {@code fifokit limits} links a handful, not forty.
 */
public final class Libc {
    private Libc() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Allocates a segment that receives errno after each call made with it. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** Bytes a call state takes inside a larger allocation (a multiple of 8, so slices stay aligned). */
    public static long callStateBytes() {
        return (CALL_STATE.byteSize() + 7) & ~7L;
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... more) {
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(more, 0, options, 1, more.length);
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** Links a function whose errno is not captured (it cannot fail, or returns its error). */
    static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** The value of a {@code -1}-on-failure result, or {@code -errno} (for the other binding classes). */
    static int resultOf(int r, MemorySegment state) {
        return result(r, state);
    }

    /** A Throwable from {@code invokeExact} as an unchecked exception (for the other binding classes). */
    static RuntimeException rethrow(Throwable t) {
        return unexpected(t);
    }

    private static int result(int r, MemorySegment state) {
        return r == -1 ? -errno(state) : r;
    }

    private static long result(long r, MemorySegment state) {
        return r == -1 ? -errno(state) : r;
    }

    private static RuntimeException unexpected(Throwable t) {
        IllegalCallerException denied = NativeAccess.explain(t);
        if (denied != null) {
            throw denied;
        }
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ---- holders: one per function, initialised on first use ----
    //
    // Every function but the critical read and write goes through one downcall shape: six longs
    // in, a long out (open, fcntl and ioctl the same shape, variadic from the third argument).
    // The JVM generates a binding class and its method handle forms once per shape, each costing
    // 10-30 ms of start-up, and a command touches a dozen functions; with one shape the rest is
    // a symbol lookup. On x86-64 and aarch64 an int argument is the low half of its register (or
    // 8-byte stack slot) and a callee never reads argument registers it does not declare, so
    // passing every argument as a long (a pointer as its address) and zeros for the missing ones
    // is exact; an int result is the low half of the long returned, so wrappers cast it back.

    private static final FunctionDescriptor GENERIC = FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    /** Links {@code name} with the generic shape, errno captured. */
    static MethodHandle generic(String name) {
        return link(name, GENERIC);
    }

    /** Links a variadic {@code name(a, b, ...)} with the generic shape, variadic from the third argument. */
    static MethodHandle variadic(String name) {
        return link(name, GENERIC, Linker.Option.firstVariadicArg(2));
    }

    /**
     * The address of a native segment, 0 for null. A heap segment has no address a system call
     * can use: refused, as a downcall taking it as a pointer would refuse it. The caller keeps
     * the segment's memory alive for the call (each is owned by the calling code's arena).
     */
    static long addr(MemorySegment s) {
        if (s == null) {
            return 0;
        }
        if (!s.isNative()) {
            throw new IllegalArgumentException("heap memory passed to a system call that needs native memory");
        }
        return s.address();
    }

    private static final class Open {
        static final MethodHandle H = variadic("open");
    }

    private static final class Close {
        static final MethodHandle H = generic("close");
    }

    private static final class Read {
        static final MethodHandle H = link("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
                Linker.Option.critical(true));
    }

    private static final class Write {
        static final MethodHandle H = link("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
                Linker.Option.critical(true));
    }

    /** Non-critical read(2), for descriptors that may block (see {@link #readMayBlock}). */
    private static final class ReadMayBlock {
        static final MethodHandle H = generic("read");
    }

    private static final class WriteMayBlock {
        static final MethodHandle H = generic("write");
    }

    private static final class Fchmod {
        static final MethodHandle H = generic("fchmod");
    }

    private static final class Mkfifo {
        static final MethodHandle H = generic("mkfifo");
    }

    private static final class Chmod {
        static final MethodHandle H = generic("chmod");
    }

    private static final class Unlink {
        static final MethodHandle H = generic("unlink");
    }

    private static final class StatxCall {
        static final MethodHandle H = generic("statx");
    }

    private static final class Fcntl {
        static final MethodHandle H = variadic("fcntl");
    }

    private static final class Ioctl {
        static final MethodHandle H = variadic("ioctl");
    }

    private static final class Pipe2 {
        static final MethodHandle H = generic("pipe2");
    }

    private static final class Dup3 {
        static final MethodHandle H = generic("dup3");
    }

    private static final class Splice {
        static final MethodHandle H = generic("splice");
    }

    private static final class PollCall {
        static final MethodHandle H = generic("poll");
    }

    private static final class EpollCreate {
        static final MethodHandle H = generic("epoll_create1");
    }

    private static final class EpollCtl {
        static final MethodHandle H = generic("epoll_ctl");
    }

    private static final class EpollWait {
        static final MethodHandle H = generic("epoll_wait");
    }

    private static final class EventFd {
        static final MethodHandle H = generic("eventfd");
    }

    private static final class InotifyInit {
        static final MethodHandle H = generic("inotify_init1");
    }

    private static final class InotifyAddWatch {
        static final MethodHandle H = generic("inotify_add_watch");
    }

    private static final class Fpathconf {
        static final MethodHandle H = generic("fpathconf");
    }

    private static final class Pathconf {
        static final MethodHandle H = generic("pathconf");
    }

    private static final class Sysconf {
        static final MethodHandle H = generic("sysconf");
    }

    private static final class Getrlimit {
        static final MethodHandle H = generic("getrlimit");
    }

    private static final class Geteuid {
        static final MethodHandle H = plain("geteuid", FunctionDescriptor.of(JAVA_INT));
    }

    private static final class Strerror {
        static final MethodHandle H = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    // ---- wrappers ----

    public static int open(MemorySegment state, MemorySegment path, int flags, int mode) {
        try {
            return result((int) (long) Open.H.invokeExact(state, addr(path), (long) flags, (long) mode, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int close(MemorySegment state, int fd) {
        try {
            return result((int) (long) Close.H.invokeExact(state, (long) fd, 0L, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * read(2) from a descriptor that may block (one fifokit does not own: a terminal, a file on
     * a slow file system). Not a critical downcall: a critical call that blocked would hold
     * every safepoint of the JVM, so only calls that cannot block are critical. The buffer must
     * be native memory.
     */
    public static long readMayBlock(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return result((long) ReadMayBlock.H.invokeExact(state, (long) fd, addr(buf), count, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** write(2) to a descriptor that may block; see {@link #readMayBlock}. */
    public static long writeMayBlock(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return result((long) WriteMayBlock.H.invokeExact(state, (long) fd, addr(buf), count, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * read(2) into any segment, heap or native. A critical downcall: only for non-blocking
     * descriptors fifokit owns, where the call cannot block.
     */
    public static long read(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return result((long) Read.H.invokeExact(state, fd, buf, count), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * write(2) from any segment, heap or native. A critical downcall: only for non-blocking
     * descriptors fifokit owns, where the call cannot block.
     */
    public static long write(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return result((long) Write.H.invokeExact(state, fd, buf, count), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int mkfifo(MemorySegment state, MemorySegment path, int mode) {
        try {
            return result((int) (long) Mkfifo.H.invokeExact(state, addr(path), (long) mode, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int chmod(MemorySegment state, MemorySegment path, int mode) {
        try {
            return result((int) (long) Chmod.H.invokeExact(state, addr(path), (long) mode, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int fchmod(MemorySegment state, int fd, int mode) {
        try {
            return result((int) (long) Fchmod.H.invokeExact(state, (long) fd, (long) mode, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int unlink(MemorySegment state, MemorySegment path) {
        try {
            return result((int) (long) Unlink.H.invokeExact(state, addr(path), 0L, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int statx(MemorySegment state, int dirfd, MemorySegment path, int flags, int mask,
                            MemorySegment buf) {
        try {
            return result((int) (long) StatxCall.H.invokeExact(state, (long) dirfd, addr(path), (long) flags, (long) mask, addr(buf), 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int fcntl(MemorySegment state, int fd, int cmd, int arg) {
        try {
            return result((int) (long) Fcntl.H.invokeExact(state, (long) fd, (long) cmd, (long) arg, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return result((int) (long) Ioctl.H.invokeExact(state, (long) fd, request, addr(arg), 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int pipe2(MemorySegment state, MemorySegment fds, int flags) {
        try {
            return result((int) (long) Pipe2.H.invokeExact(state, addr(fds), (long) flags, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int dup3(MemorySegment state, int oldFd, int newFd, int flags) {
        try {
            return result((int) (long) Dup3.H.invokeExact(state, (long) oldFd, (long) newFd, (long) flags, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long splice(MemorySegment state, int in, int out, long count, int flags) {
        try {
            return result((long) Splice.H.invokeExact(state, (long) in, 0L, (long) out, 0L, count, (long) flags), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int poll(MemorySegment state, MemorySegment fds, long count, int timeoutMillis) {
        try {
            return result((int) (long) PollCall.H.invokeExact(state, addr(fds), count, (long) timeoutMillis, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epollCreate(MemorySegment state) {
        try {
            return result((int) (long) EpollCreate.H.invokeExact(state, (long) Flags.EPOLL_CLOEXEC, 0L, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epollCtl(MemorySegment state, int epfd, int op, int fd, MemorySegment event) {
        try {
            return result((int) (long) EpollCtl.H.invokeExact(state, (long) epfd, (long) op, (long) fd, addr(event), 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epollWait(MemorySegment state, int epfd, MemorySegment events, int max, int timeout) {
        try {
            return result((int) (long) EpollWait.H.invokeExact(state, (long) epfd, addr(events), (long) max, (long) timeout, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int eventfd(MemorySegment state, int initial, int flags) {
        try {
            return result((int) (long) EventFd.H.invokeExact(state, (long) initial, (long) flags, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int inotifyInit(MemorySegment state, int flags) {
        try {
            return result((int) (long) InotifyInit.H.invokeExact(state, (long) flags, 0L, 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int inotifyAddWatch(MemorySegment state, int ifd, MemorySegment path, int mask) {
        try {
            return result((int) (long) InotifyAddWatch.H.invokeExact(state, (long) ifd, addr(path), (long) mask, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long fpathconf(MemorySegment state, int fd, int name) {
        try {
            return (long) Fpathconf.H.invokeExact(state, (long) fd, (long) name, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long pathconf(MemorySegment state, MemorySegment path, int name) {
        try {
            return (long) Pathconf.H.invokeExact(state, addr(path), (long) name, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long sysconf(MemorySegment state, int name) {
        try {
            return (long) Sysconf.H.invokeExact(state, (long) name, 0L, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getrlimit(MemorySegment state, int resource, MemorySegment limits) {
        try {
            return result((int) (long) Getrlimit.H.invokeExact(state, (long) resource, addr(limits), 0L, 0L, 0L, 0L), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) Geteuid.H.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The C library's text for an errno, e.g. "No such device or address". */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Strerror.H.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
