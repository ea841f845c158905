package dev.fifokit.internal.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The functions linked with the one generic shape (every argument a long, the result a long)
 * pass negative ints, pointers and int results exactly, and report errno as before.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LibcShapeTest {
    private static final int AT_FDCWD = -100;
    private static final int EBADF = 9;
    private static final int ENOENT = 2;

    @Test
    void negativeArgumentsResultsAndErrnoSurviveTheWidening(@TempDir Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            // a negative descriptor: EBADF, and the -1 result comes back as -errno
            assertThat(Libc.fcntl(st, -1, Flags.F_GETFL, 0)).isEqualTo(-EBADF);
            assertThat(Libc.close(st, Integer.MIN_VALUE)).isEqualTo(-EBADF);
            // AT_FDCWD (negative) and a path pointer: statx finds the directory, not a missing file
            MemorySegment stat = arena.allocate(256, 8);
            assertThat(Libc.statx(st, AT_FDCWD, arena.allocateFrom(dir.toString()), 0, 0xfff, stat)).isZero();
            assertThat(Libc.statx(st, AT_FDCWD, arena.allocateFrom(dir.resolve("none").toString()), 0, 0xfff, stat))
                    .isEqualTo(-ENOENT);
            // a pointer out: pipe2 fills two descriptors, fcntl (variadic) reads and sets the capacity
            MemorySegment fds = arena.allocate(8, 4);
            assertThat(Libc.pipe2(st, fds, Flags.O_CLOEXEC)).isZero();
            int r = fds.get(JAVA_INT, 0);
            int w = fds.get(JAVA_INT, 4);
            try {
                assertThat(r).isNotNegative();
                assertThat(w).isGreaterThan(r);
                assertThat(Libc.fcntl(st, w, Flags.F_SETPIPE_SZ, 1 << 17)).isEqualTo(1 << 17);
                assertThat(Libc.fcntl(st, r, Flags.F_GETPIPE_SZ, 0)).isEqualTo(1 << 17);
            } finally {
                Libc.close(st, r);
                Libc.close(st, w);
            }
        }
    }

    @Test
    void heapMemoryIsRefusedWhereTheCallNeedsAnAddress() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            MemorySegment heap = MemorySegment.ofArray(new byte[64]);
            assertThatThrownBy(() -> Libc.pipe2(st, heap, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("native memory");
        }
    }
}
