package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * posix_spawn(3) with file actions, waitpid(2), kill(2) and pidfd_open(2): starting a child
 * with chosen descriptors, which {@link ProcessBuilder} cannot do.
 *
 * <p>glibc's posix_spawn starts the child with {@code clone(CLONE_VM|CLONE_VFORK)}, so a large
 * JVM is never copied, and reports a failed exec as its return value (after reaping the
 * child that failed). Struct sizes are glibc's, the same on x86-64 and aarch64 (checked with
 * {@code sizeof} in C): {@code posix_spawn_file_actions_t} 80 bytes, {@code posix_spawnattr_t}
 * 336, {@code sigset_t} 128.
 */
public final class Spawning {
    private Spawning() {}

    public static final long FILE_ACTIONS_SIZE = 80;
    public static final long ATTR_SIZE = 336;
    public static final long SIGSET_SIZE = 128;

    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    public static final int WNOHANG = 1;
    public static final int SIGKILL = 9;
    public static final int SIGPIPE = 13;
    public static final int SIGTERM = 15;
    public static final int ECHILD = 10;
    public static final int ESRCH = 3;

    private static final Linker LINKER = Linker.nativeLinker();

    /** Links a function that returns its error number instead of setting errno. */
    private static MethodHandle direct(String name, FunctionDescriptor d) {
        return Libc.plain(name, d);
    }

    private static Optional<MethodHandle> optional(String name, FunctionDescriptor d) {
        return LINKER.defaultLookup().find(name).map(s -> LINKER.downcallHandle(s, d));
    }

    private static final class ActionsInit {
        static final MethodHandle H = direct("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class ActionsDestroy {
        static final MethodHandle H = direct("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class AddDup2 {
        static final MethodHandle H = direct("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private static final class AddClose {
        static final MethodHandle H = direct("posix_spawn_file_actions_addclose",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class AddCloseFrom {
        /** glibc 2.34 and later. */
        static final Optional<MethodHandle> H = optional("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class AddChdir {
        /** glibc 2.29 and later. */
        static final Optional<MethodHandle> H = optional("posix_spawn_file_actions_addchdir_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class AttrInit {
        static final MethodHandle H = direct("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class AttrDestroy {
        static final MethodHandle H = direct("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class AttrSetFlags {
        static final MethodHandle H = direct("posix_spawnattr_setflags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    }

    private static final class AttrSetSigMask {
        static final MethodHandle H = direct("posix_spawnattr_setsigmask",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class AttrSetSigDefault {
        static final MethodHandle H = direct("posix_spawnattr_setsigdefault",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class SigEmptySet {
        static final MethodHandle H = direct("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class SigAddSet {
        static final MethodHandle H = direct("sigaddset", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class SpawnP {
        static final MethodHandle H = direct("posix_spawnp",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    private static final class WaitPid {
        static final MethodHandle H = Libc.link("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class Kill {
        static final MethodHandle H = Libc.link("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class PidfdOpen {
        /** glibc 2.36 and later; older: ENOSYS, and waiting falls back to polling waitpid. */
        static final Optional<MethodHandle> H = LINKER.defaultLookup().find("pidfd_open")
                .map(s -> Libc.link("pidfd_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)));
    }

    /** What the child gets: {@code dup2(source, target)} for each pair, in order. */
    public record Dup(int source, int target) {}

    /**
     * Starts {@code argv} (looked up on PATH like execvp) with exactly {@code envp}. In the child,
     * each {@link Dup} is applied; then every descriptor from 3 up that is not a target is
     * closed, so nothing else leaks in, whatever its close-on-exec flag; then the working
     * directory is changed when {@code directory} is not null. The signal mask is emptied and
     * SIGPIPE restored to its default action.
     *
     * @return the child's pid ({@code > 0}), or {@code -error} when it could not be started
     *         (ENOENT: no such program, EACCES: not executable, ENOSYS: this C library cannot
     *         change directory in the child)
     */
    public static int spawn(List<String> argv, List<String> envp, List<Dup> dups, String directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(FILE_ACTIONS_SIZE, 8);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            check((int) ActionsInit.H.invokeExact(actions), "posix_spawn_file_actions_init");
            try {
                check((int) AttrInit.H.invokeExact(attr), "posix_spawnattr_init");
                try {
                    int r = configure(arena, actions, attr, dups, directory);
                    if (r != 0) {
                        return -r;
                    }
                    MemorySegment pid = arena.allocate(JAVA_INT);
                    int rc = (int) SpawnP.H.invokeExact(pid, arena.allocateFrom(argv.getFirst()), actions, attr,
                            strings(arena, argv), strings(arena, envp));
                    return rc != 0 ? -rc : pid.get(JAVA_INT, 0);
                } finally {
                    int ignored = (int) AttrDestroy.H.invokeExact(attr);
                }
            } finally {
                int ignored = (int) ActionsDestroy.H.invokeExact(actions);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static int configure(Arena arena, MemorySegment actions, MemorySegment attr, List<Dup> dups,
                                 String directory) throws Throwable {
        int highest = 2;
        for (Dup d : dups) {
            highest = Math.max(highest, d.target());
        }
        for (Dup d : dups) {
            check((int) AddDup2.H.invokeExact(actions, d.source(), d.target()), "posix_spawn_file_actions_adddup2");
        }
        for (int fd = 3; fd <= highest; fd++) {
            final int f = fd;
            if (dups.stream().noneMatch(d -> d.target() == f)) {
                // glibc ignores a close of a descriptor that is not open in the child
                check((int) AddClose.H.invokeExact(actions, fd), "posix_spawn_file_actions_addclose");
            }
        }
        if (AddCloseFrom.H.isPresent()) {
            check((int) AddCloseFrom.H.get().invokeExact(actions, highest + 1), "posix_spawn_file_actions_addclosefrom_np");
        } else {
            for (int fd : openDescriptors()) {
                if (fd > highest) {
                    check((int) AddClose.H.invokeExact(actions, fd), "posix_spawn_file_actions_addclose");
                }
            }
        }
        if (directory != null) {
            if (AddChdir.H.isEmpty()) {
                return Errors.ENOSYS;
            }
            check((int) AddChdir.H.get().invokeExact(actions, arena.allocateFrom(directory)),
                    "posix_spawn_file_actions_addchdir_np");
        }
        MemorySegment mask = arena.allocate(SIGSET_SIZE, 8);
        check((int) SigEmptySet.H.invokeExact(mask), "sigemptyset");
        check((int) AttrSetSigMask.H.invokeExact(attr, mask), "posix_spawnattr_setsigmask");
        MemorySegment defaults = arena.allocate(SIGSET_SIZE, 8);
        check((int) SigEmptySet.H.invokeExact(defaults), "sigemptyset");
        check((int) SigAddSet.H.invokeExact(defaults, SIGPIPE), "sigaddset");
        check((int) AttrSetSigDefault.H.invokeExact(attr, defaults), "posix_spawnattr_setsigdefault");
        check((int) AttrSetFlags.H.invokeExact(attr, (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
                "posix_spawnattr_setflags");
        return 0;
    }

    /** Without closefrom in the child: the descriptors open now (others opened later are racy). */
    private static int[] openDescriptors() {
        java.io.File[] entries = new java.io.File("/proc/self/fd").listFiles();
        if (entries == null) {
            return new int[0];
        }
        return java.util.Arrays.stream(entries).map(java.io.File::getName)
                .filter(n -> n.chars().allMatch(Character::isDigit)).mapToInt(Integer::parseInt).toArray();
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " failed: " + Errors.describe(rc));
        }
    }

    private static MemorySegment strings(Arena arena, List<String> items) {
        MemorySegment array = arena.allocate(ADDRESS, items.size() + 1L);
        for (int i = 0; i < items.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(items.get(i)));
        }
        array.setAtIndex(ADDRESS, items.size(), MemorySegment.NULL);
        return array;
    }

    /**
     * waitpid(2). With {@code WNOHANG}: 0 while the child runs. Returns the pid and stores the
     * raw status in {@code status[0]}, or -errno (ECHILD: already reaped or not our child).
     */
    public static int waitpid(int pid, int[] status, int options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            MemorySegment s = arena.allocate(JAVA_INT);
            int r = Libc.resultOf((int) WaitPid.H.invokeExact(st, pid, s, options), st);
            if (r > 0) {
                status[0] = s.get(JAVA_INT, 0);
            }
            return r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** kill(2); 0 or -errno. */
    public static int kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            return Libc.resultOf((int) Kill.H.invokeExact(st, pid, signal), st);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * pidfd_open(2): a close-on-exec descriptor that becomes readable when the process exits,
     * or -errno (-ENOSYS when the C library or kernel lacks it).
     */
    public static int pidfdOpen(int pid) {
        if (PidfdOpen.H.isEmpty()) {
            return -Errors.ENOSYS;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            return Libc.resultOf((int) PidfdOpen.H.get().invokeExact(st, pid, 0), st);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The shell's view of a raw wait status: the exit code, or 128 + the signal that killed it. */
    public static int shellStatus(int raw) {
        int signal = raw & 0x7f;
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal;
    }
}
