package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Parks virtual threads that wait for a descriptor, the way the JDK's {@code sun.nio.ch.Poller}
 * does for sockets: the waiting virtual thread arms a one-shot epoll registration and parks,
 * which frees its carrier; one platform thread sits in epoll_wait(2) and unparks whoever's
 * descriptor became ready. A FFM call that blocked would pin the carrier instead.
 *
 * <p>{@code struct epoll_event} is packed (12 bytes) on x86-64 and 16 bytes on aarch64.
 */
final class Poller {
    private static final long EVENT_SIZE = Flags.AARCH64 ? 16 : 12;
    private static final long DATA_OFFSET = Flags.AARCH64 ? 8 : 4;
    private static final int BATCH = 256;

    private static final class Holder {
        static final Poller INSTANCE = new Poller();
    }

    private static volatile boolean started;

    /**
     * True once the poller thread stopped on an epoll_wait(2) error it cannot recover from. Every
     * waiter was woken then; from then on virtual threads wait in poll(2) like platform threads
     * (pinning their carrier, but never parked with nobody to wake them).
     */
    static boolean broken() {
        return started && Holder.INSTANCE.brokenErrno != 0;
    }

    /** The errno epoll_wait(2) failed with, once the poller thread could not go on; 0 while it runs. */
    private volatile int brokenErrno;

    /** True once this poller's thread stopped (see {@link #broken()}). */
    boolean failed() {
        return brokenErrno != 0;
    }

    /** The epoll descriptor (for tests that break it on purpose). */
    int epollFd() {
        return epfd;
    }

    static Poller get() {
        started = true;
        return Holder.INSTANCE;
    }

    /** {@link #forget} on the poller if any virtual thread ever used it; never starts it. */
    static void forgetIfStarted(MemorySegment callState, int fd) {
        if (started) {
            Holder.INSTANCE.forget(callState, fd);
        }
    }

    private final int epfd;
    private final ConcurrentHashMap<Integer, Waiters> waiting = new ConcurrentHashMap<>();

    private final Object watchLock = new Object();
    private volatile int inotifyFd = -1;
    private final java.util.HashMap<Integer, java.util.Set<Waiters>> watchers = new java.util.HashMap<>();
    private final MemorySegment watchState = Libc.newCallState(Arena.ofAuto());

    /** The process-wide poller is {@link #get()}; tests make their own to break them. */
    Poller() {
        Arena arena = Arena.ofAuto();
        MemorySegment st = Libc.newCallState(arena);
        int fd = Libc.epollCreate(st);
        if (fd < 0) {
            throw new IllegalStateException("epoll_create1: " + Errors.describe(-fd));
        }
        this.epfd = fd;
        // start-up of short commands: System.exit waits up to ~300 ms for any thread that is in
        // native code, and this one sits in epoll_wait(2); at shutdown an eventfd wakes it and it
        // ends (waiters fall back to poll(2) as after a failure). Best effort: without the
        // eventfd, exit is only slower.
        int wake = Libc.eventfd(st, 0, Flags.EFD_NONBLOCK | Flags.EFD_CLOEXEC);
        if (wake >= 0) {
            MemorySegment ev = arena.allocate(16, 8);
            ev.set(JAVA_INT_UNALIGNED, 0, Flags.EPOLLIN);
            ev.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, wake);
            if (Libc.epollCtl(st, fd, Flags.EPOLL_CTL_ADD, wake, ev) < 0) {
                Libc.close(st, wake);
                wake = -1;
            }
        }
        this.wakeFd = wake;
        Thread t = Thread.ofPlatform().daemon().name("fifokit-poller").unstarted(this::loop);
        this.thread = t;
        t.start();
        if (wake >= 0) {
            try {
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("fifokit-poller-stop")
                        .unstarted(this::stopForExit));
            } catch (IllegalStateException alreadyExiting) {
                // the JVM is already shutting down: nothing to speed up
            }
        }
    }

    private final int wakeFd;
    private final Thread thread;
    private volatile boolean stopping;

    /** At JVM exit: wakes the poller thread out of epoll_wait(2) and waits (briefly) until it ended. */
    private void stopForExit() {
        stopping = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(8, 8);
            one.set(JAVA_LONG_UNALIGNED, 0, 1L);
            Libc.write(Libc.newCallState(arena), wakeFd, one, 8);
        }
        try {
            thread.join(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The threads waiting on one descriptor: one slot per direction. */
    static final class Waiters {
        volatile Thread in;
        volatile Thread out;

        void set(boolean out, Thread t) {
            if (out) {
                this.out = t;
            } else {
                this.in = t;
            }
        }

        void wakeAll() {
            Thread a = in;
            Thread b = out;
            if (a != null) {
                LockSupport.unpark(a);
            }
            if (b != null) {
                LockSupport.unpark(b);
            }
        }
    }

    /**
     * Arms a one-shot registration of {@code fd} for {@code events} (EPOLLIN/EPOLLOUT), with the
     * current thread recorded as the waiter of that direction. The caller then parks.
     *
     * @return 0, or -errno when epoll refused the descriptor
     */
    int arm(MemorySegment callState, MemorySegment eventBuf, int fd, int events, Waiters w) {
        return arm(callState, eventBuf, fd, events, (events & Flags.EPOLLOUT) != 0, w);
    }

    /**
     * As above, with the waiter recorded in the slot {@code out} says, whatever the events (a
     * reader's transfer waits for room on a descriptor that is not its own).
     */
    int arm(MemorySegment callState, MemorySegment eventBuf, int fd, int events, boolean out, Waiters w) {
        w.set(out, Thread.currentThread());
        waiting.put(fd, w);
        // one registration per descriptor: keep the other direction's waiter interested too
        int all = (w.in != null ? Flags.EPOLLIN : 0) | (w.out != null ? Flags.EPOLLOUT : 0) | events;
        eventBuf.set(JAVA_INT_UNALIGNED, 0, all | Flags.EPOLLONESHOT);
        eventBuf.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, fd);
        int r = Libc.epollCtl(callState, epfd, Flags.EPOLL_CTL_MOD, fd, eventBuf);
        if (r == -Errors.ENOENT) {
            r = Libc.epollCtl(callState, epfd, Flags.EPOLL_CTL_ADD, fd, eventBuf);
        }
        return r;
    }

    /** Clears the current thread from its slot after it woke. */
    void disarm(Waiters w, boolean out) {
        w.set(out, null);
    }

    /**
     * Takes the poller's slot for a descriptor fifokit does not own; false when another end's
     * waiters hold it (the descriptor is in fact a fifokit end's), which must not be displaced.
     */
    boolean claimForeign(int fd, Waiters w) {
        Waiters held = waiting.putIfAbsent(fd, w);
        return held == null || held == w;
    }

    /** Drops the registration of a descriptor fifokit does not own once its waiter woke. */
    void forgetForeign(int fd, Waiters w) {
        if (waiting.remove(fd, w)) {
            try (Arena arena = Arena.ofConfined()) {
                Libc.epollCtl(Libc.newCallState(arena), epfd, Flags.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
            }
        }
    }

    /** Forgets a descriptor before it is closed, so a reused number does not wake a stranger. */
    void forget(MemorySegment callState, int fd) {
        if (waiting.remove(fd) != null) {
            Libc.epollCtl(callState, epfd, Flags.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
        }
    }

    /**
     * Wakes {@code w} whenever the file behind {@code pathFd} is opened by anyone (inotify
     * IN_OPEN), and when it is deleted or its attributes change. One inotify instance serves
     * every waiter, so thousands of waiting ends cost one descriptor, not one each.
     *
     * @return the watch descriptor to pass to {@link #unwatch}, or -errno
     */
    int watchOpens(int pathFd, Waiters w) {
        synchronized (watchLock) {
            if (inotifyFd < 0) {
                int ifd = Libc.inotifyInit(watchState, Flags.IN_NONBLOCK | Flags.IN_CLOEXEC);
                if (ifd < 0) {
                    return ifd;
                }
                MemorySegment ev = Arena.ofAuto().allocate(16, 8);
                ev.set(JAVA_INT_UNALIGNED, 0, Flags.EPOLLIN);
                ev.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, ifd);
                int r = Libc.epollCtl(watchState, epfd, Flags.EPOLL_CTL_ADD, ifd, ev);
                if (r < 0) {
                    Libc.close(watchState, ifd);
                    return r;
                }
                inotifyFd = ifd;
            }
            int wd;
            try (Arena arena = Arena.ofConfined()) {
                wd = Libc.inotifyAddWatch(watchState, inotifyFd, arena.allocateFrom("/proc/self/fd/" + pathFd),
                        Flags.IN_OPEN | Flags.IN_ATTRIB | Flags.IN_DELETE_SELF);
            }
            if (wd >= 0) {
                watchers.computeIfAbsent(wd, k -> new java.util.HashSet<>()).add(w);
            }
            return wd;
        }
    }

    void unwatch(int wd, Waiters w) {
        synchronized (watchLock) {
            var set = watchers.get(wd);
            if (set != null && set.remove(w) && set.isEmpty()) {
                watchers.remove(wd);
                rmWatch(wd);
            }
        }
    }

    private void rmWatch(int wd) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            long ignored = (long) RmWatch.H.invokeExact(Libc.newCallState(arena), (long) inotifyFd, (long) wd,
                    0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static final class RmWatch {
        static final java.lang.invoke.MethodHandle H = Libc.generic("inotify_rm_watch");
    }

    private void drainInotify(MemorySegment st, MemorySegment buf) {
        java.util.List<Waiters> wake = new java.util.ArrayList<>();
        synchronized (watchLock) {
            long n;
            while ((n = Libc.read(st, inotifyFd, buf, buf.byteSize())) > 0) {
                long off = 0;
                while (off + 16 <= n) {
                    int wd = buf.get(JAVA_INT_UNALIGNED, off);
                    int len = buf.get(JAVA_INT_UNALIGNED, off + 12);
                    var set = watchers.get(wd);
                    if (set != null) {
                        wake.addAll(set);
                    }
                    off += 16 + len;
                }
            }
        }
        for (Waiters w : wake) {
            w.wakeAll();
        }
    }

    private void loop() {
        try {
            run();
        } catch (Throwable t) {
            fail(brokenErrno != 0 ? brokenErrno : Errors.EINVAL);
            throw t;
        }
    }

    /**
     * The poller cannot go on: records why and wakes every waiter, so none stays parked with
     * nobody left to wake it. They re-check their descriptor and wait in poll(2) from now on.
     */
    void fail(int errno) {
        brokenErrno = errno;
        for (Waiters w : waiting.values()) {
            w.wakeAll();
        }
        synchronized (watchLock) {
            for (var set : watchers.values()) {
                for (Waiters w : set) {
                    w.wakeAll();
                }
            }
        }
    }

    private void run() {
        Arena arena = Arena.ofAuto();
        MemorySegment st = Libc.newCallState(arena);
        MemorySegment events = arena.allocate(EVENT_SIZE * BATCH, 8);
        MemorySegment inotifyBuf = arena.allocate(8192, 8);
        while (true) {
            int n = Libc.epollWait(st, epfd, events, BATCH, -1);
            if (n < 0) {
                if (n == -Errors.EINTR) {
                    continue;
                }
                fail(-n);
                return;
            }
            for (int i = 0; i < n; i++) {
                int fd = (int) events.get(JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET);
                if (fd == wakeFd && stopping) {
                    fail(Errors.EINTR); // waiters left during shutdown re-check with poll(2)
                    return;
                }
                if (fd == inotifyFd) {
                    drainInotify(st, inotifyBuf);
                    continue;
                }
                Waiters w = waiting.get(fd);
                if (w != null) {
                    w.wakeAll();
                }
            }
        }
    }
}
