package dev.fifokit.internal.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

/** The poller's failure paths: a waiter is told, or woken, never left parked with nobody to wake it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PollerFailureTest {

    @Test
    void aDescriptorEpollRefusesFailsTheVirtualThreadsWaitInsteadOfParkingItForever() throws Exception {
        // a descriptor number nobody has open: epoll_ctl fails with EBADF
        PipeFd bad = new PipeFd(999_999);
        CompletableFuture<Integer> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> outcome.complete(bad.await(Flags.POLLIN, PipeFd.NO_DEADLINE, Long.MAX_VALUE, false)));
        assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(-Errors.EBADF);
    }

    @Test
    void anEpollWaitFailureWakesEveryParkedWaiter() throws Exception {
        Poller poller = new Poller();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment st = Libc.newCallState(arena);
            int[] trigger = pipe(arena, st);
            int[] quiet = pipe(arena, st);
            Poller.Waiters quietWaiters = new Poller.Waiters();
            CompletableFuture<Void> armed = new CompletableFuture<>();
            CompletableFuture<Boolean> woke = new CompletableFuture<>();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try (Arena a = Arena.ofConfined()) {
                    int r = poller.arm(Libc.newCallState(a), a.allocate(16, 8), quiet[0], Flags.EPOLLIN, quietWaiters);
                    armed.complete(null);
                    if (r == 0) {
                        while (!poller.failed()) {
                            LockSupport.park(); // only the poller can wake it: its descriptor never becomes ready
                        }
                    }
                    woke.complete(r == 0);
                }
            });
            armed.get(30, TimeUnit.SECONDS);
            try (Arena a = Arena.ofConfined()) {
                Poller.Waiters other = new Poller.Waiters();
                assertThat(poller.arm(Libc.newCallState(a), a.allocate(16, 8), trigger[0], Flags.EPOLLIN, other))
                        .isZero();
                other.in = null;
                // make the next epoll_wait(2) fail (EINVAL: not an epoll descriptor), then end the
                // current one with an event on the other descriptor
                assertThat(Libc.dup3(st, quiet[1], poller.epollFd(), Flags.O_CLOEXEC)).isGreaterThanOrEqualTo(0);
                MemorySegment one = a.allocate(1);
                Libc.write(st, trigger[1], one, 1);
            }
            assertThat(woke.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(poller.failed()).isTrue();
            waiter.join(10_000);
            for (int fd : new int[] {trigger[0], trigger[1], quiet[0], quiet[1], poller.epollFd()}) {
                Libc.close(st, fd);
            }
        }
    }

    private static int[] pipe(Arena arena, MemorySegment st) {
        MemorySegment fds = arena.allocate(8, 4);
        assertThat(Libc.pipe2(st, fds, Flags.O_NONBLOCK | Flags.O_CLOEXEC)).isZero();
        return new int[] {fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
    }
}
