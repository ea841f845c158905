package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One non-blocking pipe or FIFO descriptor and the ways to wait on it. The public ends build
 * their blocking behaviour from these raw operations; nothing here throws for an errno:
 * results are {@code >= 0} or {@code -errno}.
 *
 * <p>Waiting never sits in a blocking read, write or open. A platform thread waits in poll(2)
 * on the descriptor plus a private eventfd that {@link #signalClose()} makes readable. A
 * virtual thread parks and lets the {@link Poller} unpark it, so its carrier is free.
 *
 * <p>The read side and the write side each own their call-state and poll buffers, so a
 * read-write end can read on one thread and write on another at the same time.
 */
public final class PipeFd {
    /** Outcomes of {@link #await}. */
    public static final int READY = 0;
    public static final int TIMEOUT = 1;
    public static final int CLOSED = 2;
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final long POLLFD = 8;

    private volatile int fd;
    private volatile int keepAliveFd = -1;
    private volatile boolean closed;
    private volatile int wakeFd = -1;

    private final MemorySegment readState;
    private final MemorySegment writeState;
    private final MemorySegment readPoll;
    private final MemorySegment writePoll;
    private final MemorySegment readEvent;
    private final MemorySegment writeEvent;
    private final MemorySegment scratch;
    private final MemorySegment probe;
    private final MemorySegment controlState;
    private final Poller.Waiters waiters = new Poller.Waiters();

    public PipeFd(int fd) {
        this.fd = fd;
        // Perf: one slice of a shared chunk per descriptor, no automatic arena of its own. Every
        // Arena.ofAuto() registers with the JDK's common Cleaner under one global lock; with
        // thousands of ends opened per second on virtual threads (the request server) that lock
        // became a convoy.
        long state = Libc.callStateBytes();
        MemorySegment slab = NativeChunks.allocate(3 * state + 2 * POLLFD * 2 + 3 * 16 + 8);
        long at = 0;
        readState = slab.asSlice(at, state);
        at += state;
        writeState = slab.asSlice(at, state);
        at += state;
        controlState = slab.asSlice(at, state);
        at += state;
        readPoll = slab.asSlice(at, POLLFD * 2);
        at += POLLFD * 2;
        writePoll = slab.asSlice(at, POLLFD * 2);
        at += POLLFD * 2;
        readEvent = slab.asSlice(at, 16);
        at += 16;
        writeEvent = slab.asSlice(at, 16);
        at += 16;
        scratch = slab.asSlice(at, 16);
        at += 16;
        probe = slab.asSlice(at, 8);
    }

    public int fd() {
        return fd;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---- raw I/O, -errno on failure ----

    public long read(MemorySegment buf, long count) {
        return Libc.read(readState, fd, buf, count);
    }

    /** read(2) of at most one byte into this descriptor's own probe buffer ({@link #probeByte()}). */
    public long readProbe() {
        return Libc.read(readState, fd, probe, 1);
    }

    /** The byte the last successful {@link #readProbe()} read. */
    public int probeByte() {
        return Byte.toUnsignedInt(probe.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
    }

    public long write(MemorySegment buf, long count) {
        return Libc.write(writeState, fd, buf, count);
    }

    /** splice(2) from this descriptor into {@code out}; neither side blocks on this pipe. */
    public long spliceTo(int out, long count) {
        return Libc.splice(readState, fd, out, count, Flags.SPLICE_F_MOVE | Flags.SPLICE_F_NONBLOCK);
    }

    /** splice(2) from {@code in} into this descriptor. */
    public long spliceFrom(int in, long count) {
        return Libc.splice(writeState, in, fd, count, Flags.SPLICE_F_MOVE | Flags.SPLICE_F_NONBLOCK);
    }

    /** poll(2) with a zero timeout: the revents for {@code events} right now. */
    public short pollNow(short events, boolean writeSide) {
        MemorySegment p = writeSide ? writePoll : readPoll;
        p.set(JAVA_INT, 0, fd);
        p.set(JAVA_SHORT, 4, events);
        p.set(JAVA_SHORT, 6, (short) 0);
        int r = Libc.poll(writeSide ? writeState : readState, p, 1, 0);
        return r > 0 ? p.get(JAVA_SHORT, 6) : 0;
    }

    public synchronized int capacity() {
        return Libc.fcntl(writeStateForControl(), fd, Flags.F_GETPIPE_SZ, 0);
    }

    public synchronized int setCapacity(int bytes) {
        return Libc.fcntl(writeStateForControl(), fd, Flags.F_SETPIPE_SZ, bytes);
    }

    /** FIONREAD: bytes queued in the pipe. */
    public synchronized int available() {
        int r = Libc.ioctl(writeStateForControl(), fd, Flags.FIONREAD, scratch);
        return r < 0 ? r : scratch.get(JAVA_INT, 0);
    }

    private MemorySegment writeStateForControl() {
        // control calls are rare; they share one call state under this object's lock
        return controlState;
    }

    public synchronized long pipeBuf() {
        return Libc.fpathconf(controlState, fd, Flags.PC_PIPE_BUF);
    }

    // ---- waiting ----

    /**
     * Waits until the descriptor reports {@code events} (POLLIN or POLLOUT, plus hang-up or
     * error), or the deadline passes, or {@link #signalClose()} is called. Returns no later than {@code sliceNanos} from now,
     * so a caller can re-check a condition that no descriptor reports.
     *
     * @return {@link #READY} (possibly spurious: re-try the operation), {@link #TIMEOUT}
     *         when {@code deadline} passed, or {@link #CLOSED}
     */
    public int await(short events, long deadline, long sliceNanos, boolean writeSide) {
        if (closed) {
            return CLOSED;
        }
        long now = System.nanoTime();
        if (deadline != NO_DEADLINE && now - deadline >= 0) {
            return TIMEOUT;
        }
        long wait = deadline == NO_DEADLINE ? Long.MAX_VALUE : deadline - now;
        wait = Math.min(wait, sliceNanos);
        if (Thread.currentThread().isVirtual()) {
            awaitVirtual(wait, writeSide);
        } else {
            awaitPlatform(events, wait, writeSide);
        }
        if (closed) {
            return CLOSED;
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
            return TIMEOUT;
        }
        return READY;
    }

    private void awaitPlatform(short events, long waitNanos, boolean writeSide) {
        int wake = wakeFd();
        if (wake < 0) {
            if (!closed) {
                // no descriptor left for the wake-up eventfd: wait in bounded slices instead
                LockSupport.parkNanos(this, Math.min(waitNanos, 10_000_000L));
            }
            return;
        }
        MemorySegment p = writeSide ? writePoll : readPoll;
        p.set(JAVA_INT, 0, fd);
        p.set(JAVA_SHORT, 4, events);
        p.set(JAVA_SHORT, 6, (short) 0);
        p.set(JAVA_INT, POLLFD, wake);
        p.set(JAVA_SHORT, POLLFD + 4, Flags.POLLIN);
        p.set(JAVA_SHORT, POLLFD + 6, (short) 0);
        int n = 2;
        int timeout = waitNanos == Long.MAX_VALUE ? -1
                : (int) Math.min(Integer.MAX_VALUE, (waitNanos + 999_999) / 1_000_000);
        Libc.poll(writeSide ? writeState : readState, p, n, timeout);
    }

    private void awaitVirtual(long waitNanos, boolean writeSide) {
        Poller poller = Poller.get();
        int ev = writeSide ? Flags.EPOLLOUT : Flags.EPOLLIN;
        poller.arm(writeSide ? writeState : readState, writeSide ? writeEvent : readEvent, fd, ev, waiters);
        try {
            if (!closed) {
                if (waitNanos == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, waitNanos);
                }
            }
        } finally {
            poller.disarm(waiters, ev);
        }
    }

    private synchronized int wakeFd() {
        if (closed) {
            return -1;
        }
        if (wakeFd < 0) {
            int r = Libc.eventfd(controlState, 0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK);
            if (r < 0) {
                // Out of descriptors: fall back to a bounded wait; close is then seen on the next slice.
                return -1;
            }
            wakeFd = r;
        }
        return wakeFd;
    }

    /**
     * Waits for the other side of a FIFO to open it: parks the calling thread (platform or
     * virtual) until {@code pathFd}'s file is opened by anyone (inotify), this descriptor
     * reports {@code events} (skipped when {@code events} is 0 or there is no descriptor
     * yet), {@code sliceNanos} pass, the deadline passes, or the end is closed or the thread
     * interrupted. Burns no CPU while parked.
     *
     */
    public int awaitPeer(short events, long deadline, long sliceNanos) {
        if (closed) {
            return CLOSED;
        }
        long now = System.nanoTime();
        if (deadline != NO_DEADLINE && now - deadline >= 0) {
            return TIMEOUT;
        }
        long wait = Math.min(deadline == NO_DEADLINE ? Long.MAX_VALUE : deadline - now, sliceNanos);
        Poller poller = Poller.get();
        int current = fd;
        boolean armed = events != 0 && current >= 0;
        waiters.in = Thread.currentThread();
        try {
            if (armed) {
                poller.arm(readState, readEvent, current, Flags.EPOLLIN, waiters);
            }
            if (!closed) {
                if (wait == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, wait);
                }
            }
        } finally {
            waiters.in = null;
        }
        if (closed) {
            return CLOSED;
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
            return TIMEOUT;
        }
        return READY;
    }

    /** Starts waking this end's waiters whenever the FIFO behind {@code pathFd} is opened. */
    public int watchOpens(int pathFd) {
        return Poller.get().watchOpens(pathFd, waiters);
    }

    public void unwatch(int watch) {
        if (watch >= 0) {
            Poller.get().unwatch(watch, waiters);
        }
    }

    /** Gives a not-yet-connected end (created with -1) its descriptor. */
    public void attach(int newFd) {
        this.fd = newFd;
    }

    /**
     * poll(2) on a descriptor fifokit does not own (standard input or output), on the calling
     * thread. Not cancellable; used only for raw-descriptor transfers.
     */
    public static short pollRaw(int fd, short events, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(POLLFD, 8);
            p.set(JAVA_INT, 0, fd);
            p.set(JAVA_SHORT, 4, events);
            int r = Libc.poll(Libc.newCallState(arena), p, 1, timeoutMillis);
            return r > 0 ? p.get(JAVA_SHORT, 6) : 0;
        }
    }

    /** write(2) to a descriptor fifokit does not own; -errno on failure. */
    public static long writeRaw(MemorySegment state, int fd, MemorySegment buf, long count) {
        return Libc.write(state, fd, buf, count);
    }

    /** read(2) from a descriptor fifokit does not own; -errno on failure. */
    public static long readRaw(MemorySegment state, int fd, MemorySegment buf, long count) {
        return Libc.read(state, fd, buf, count);
    }

    /**
     * F_GETPIPE_SZ / F_SETPIPE_SZ on a descriptor fifokit does not own (standard input or
     * output). {@code bytes <= 0} only asks. Returns the capacity or -errno (EBADF, or EINVAL
     * when it is not a pipe). Perf: lets the CLI give the shell's pipe the FIFO's capacity.
     */
    public static int capacityRaw(int fd, int bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            return bytes > 0 ? Libc.fcntl(st, fd, Flags.F_SETPIPE_SZ, bytes) : Libc.fcntl(st, fd, Flags.F_GETPIPE_SZ, 0);
        }
    }

    public static long spliceRaw(MemorySegment state, int in, int out, long count) {
        return Libc.splice(state, in, out, count, Flags.SPLICE_F_MOVE | Flags.SPLICE_F_NONBLOCK);
    }

    // ---- life cycle ----

    /** Marks the descriptor closed and wakes every thread waiting on it. Does not close yet. */
    public void signalClose() {
        synchronized (this) {
            closed = true;
            int w = wakeFd;
            if (w >= 0) {
                scratch.set(JAVA_LONG, 8, 1L);
                Libc.write(controlState, w, scratch.asSlice(8, 8), 8);
            }
        }
        waiters.wakeAll();
    }

    /** Closes the descriptors. Call after {@link #signalClose()} once no thread uses them. */
    public synchronized void release() {
        closed = true;
        if (fd >= 0) {
            Poller.forgetIfStarted(controlState, fd);
            Libc.close(controlState, fd);
            fd = -1;
        }
        if (keepAliveFd >= 0) {
            Libc.close(controlState, keepAliveFd);
            keepAliveFd = -1;
        }
        if (wakeFd >= 0) {
            Libc.close(controlState, wakeFd);
            wakeFd = -1;
        }
    }

    /** Holds an extra write descriptor so the read side never sees EOF (explicit keep-alive). */
    public synchronized int holdWriteEnd() {
        int r = Fifos.reopen(controlState, fd, Flags.O_WRONLY);
        if (r >= 0) {
            keepAliveFd = r;
        }
        return r;
    }

    /**
     * Replaces this descriptor by a fresh open of the same FIFO (through /proc/self/fd), keeping
     * its number. The new open file has not seen the writers that left, so poll stops reporting
     * POLLHUP and the reader can wait for the next writer without a busy loop.
     */
    public synchronized int reopenForRead() {
        int fresh = Fifos.reopen(controlState, fd, Flags.O_RDONLY);
        if (fresh < 0) {
            return fresh;
        }
        Poller.forgetIfStarted(controlState, fd);
        int r = Libc.dup3(controlState, fresh, fd, Flags.O_CLOEXEC);
        Libc.close(controlState, fresh);
        return r < 0 ? r : 0;
    }
}
