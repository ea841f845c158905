package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 *
 * <p><b>Closing is final.</b> Every call that hands the descriptor to the kernel (a read, a
 * write, a splice, a poll that sleeps on it, an epoll registration) runs inside a short
 * <em>kernel section</em>: a counter goes up, the closed flag is checked, the call is made, the
 * counter goes down. {@link #close(long)} sets the flag, wakes every waiter (the eventfd for a
 * thread in poll(2), an unpark for a parked thread), waits until the counter is zero, and only
 * then calls close(2). A sleeping poll(2) holds a reference to the open file, so without that
 * wait the pipe would stay open in the kernel until the woken thread came back; with it, when
 * {@code close} returns, no thread is inside a call on the descriptor, the kernel has released
 * it, and the peer's next write gets EPIPE. No thread can start a call on the descriptor after
 * the flag is set, so its number is never used after close(2) (where it could name another
 * file). A thread that is parked (virtual threads) is outside any section: epoll holds no
 * reference to the file. Results of a call made on a closed descriptor are {@code -EBADF};
 * {@link #isClosed()} tells that case apart.
 */
public final class PipeFd {
    /** Outcomes of {@link #await}. */
    public static final int READY = 0;
    public static final int TIMEOUT = 1;
    public static final int CLOSED = 2;
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final long POLLFD = 8;
    private static final VarHandle IN_KERNEL;

    static {
        try {
            IN_KERNEL = MethodHandles.lookup().findVarHandle(PipeFd.class, "inKernel", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through IN_KERNEL
    private volatile int inKernel;
    private volatile Thread closer;
    private volatile boolean closerGaveUp;
    private volatile boolean released;

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
        MemorySegment slab = NativeChunks.allocate(3 * state + 2 * POLLFD * 3 + 3 * 16 + 8);
        long at = 0;
        readState = slab.asSlice(at, state);
        at += state;
        writeState = slab.asSlice(at, state);
        at += state;
        controlState = slab.asSlice(at, state);
        at += state;
        readPoll = slab.asSlice(at, POLLFD * 3);
        at += POLLFD * 3;
        writePoll = slab.asSlice(at, POLLFD * 3);
        at += POLLFD * 3;
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

    // ---- kernel sections ----

    /** Enters a kernel section; false (and nothing entered) when the end is closed. */
    private boolean enter() {
        IN_KERNEL.getAndAdd(this, 1);
        if (closed) {
            leave();
            return false;
        }
        return true;
    }

    private void leave() {
        if ((int) IN_KERNEL.getAndAdd(this, -1) == 1 && closed) {
            Thread c = closer;
            if (c != null) {
                LockSupport.unpark(c);
            }
            if (closerGaveUp) {
                release();
            }
        }
    }

    private static final int CLOSED_RESULT = -Errors.EBADF;

    // ---- raw I/O, -errno on failure ----

    public long read(MemorySegment buf, long count) {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            return Libc.read(readState, fd, buf, count);
        } finally {
            leave();
        }
    }

    /** read(2) of at most one byte into this descriptor's own probe buffer ({@link #probeByte()}). */
    public long readProbe() {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            return Libc.read(readState, fd, probe, 1);
        } finally {
            leave();
        }
    }

    /** The byte the last successful {@link #readProbe()} read. */
    public int probeByte() {
        return Byte.toUnsignedInt(probe.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
    }

    public long write(MemorySegment buf, long count) {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            return Libc.write(writeState, fd, buf, count);
        } finally {
            leave();
        }
    }

    /**
     * splice(2) from this descriptor into another end's descriptor; neither side blocks. Both
     * ends are inside a kernel section for the call, so neither can be closed (and its number
     * reused) while the kernel moves the bytes. {@code -EBADF} when either end is closed.
     */
    public long spliceTo(PipeFd out, long count) {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            if (!out.enter()) {
                return CLOSED_RESULT;
            }
            try {
                return Libc.splice(readState, fd, out.fd, count, Flags.SPLICE_F_MOVE | Flags.SPLICE_F_NONBLOCK);
            } finally {
                out.leave();
            }
        } finally {
            leave();
        }
    }

    /**
     * splice(2) from this descriptor into a descriptor fifokit does not own. The pipe side never
     * blocks; the other side may, when it is a blocking descriptor that is not ready (wait for it
     * with {@link #awaitForeign} first).
     */
    public long spliceToForeign(int out, long count) {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            return Libc.splice(readState, fd, out, count, Flags.SPLICE_F_MOVE | Flags.SPLICE_F_NONBLOCK);
        } finally {
            leave();
        }
    }

    /** splice(2) from a descriptor fifokit does not own into this descriptor; see {@link #spliceToForeign}. */
    public long spliceFromForeign(int in, long count) {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            return Libc.splice(writeState, in, fd, count, Flags.SPLICE_F_MOVE | Flags.SPLICE_F_NONBLOCK);
        } finally {
            leave();
        }
    }

    /** poll(2) with a zero timeout: the revents for {@code events} right now (0 when closed). */
    public short pollNow(short events, boolean writeSide) {
        if (!enter()) {
            return 0;
        }
        try {
            MemorySegment p = writeSide ? writePoll : readPoll;
            p.set(JAVA_INT, 0, fd);
            p.set(JAVA_SHORT, 4, events);
            p.set(JAVA_SHORT, 6, (short) 0);
            int r = Libc.poll(writeSide ? writeState : readState, p, 1, 0);
            return r > 0 ? p.get(JAVA_SHORT, 6) : 0;
        } finally {
            leave();
        }
    }

    public synchronized int capacity() {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            return Libc.fcntl(controlState, fd, Flags.F_GETPIPE_SZ, 0);
        } finally {
            leave();
        }
    }

    public synchronized int setCapacity(int bytes) {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            return Libc.fcntl(controlState, fd, Flags.F_SETPIPE_SZ, bytes);
        } finally {
            leave();
        }
    }

    /** FIONREAD: bytes queued in the pipe. */
    public synchronized int available() {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            int r = Libc.ioctl(controlState, fd, Flags.FIONREAD, scratch);
            return r < 0 ? r : scratch.get(JAVA_INT, 0);
        } finally {
            leave();
        }
    }

    public synchronized long pipeBuf() {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            return Libc.fpathconf(controlState, fd, Flags.PC_PIPE_BUF);
        } finally {
            leave();
        }
    }

    // ---- waiting ----

    /**
     * Waits until the descriptor reports {@code events} (POLLIN or POLLOUT, plus hang-up or
     * error), or the deadline passes, or {@link #close(long)} is called. Returns no later than
     * {@code sliceNanos} from now, so a caller can re-check a condition that no descriptor reports.
     *
     * @return {@link #READY} (possibly spurious: re-try the operation), {@link #TIMEOUT}
     *         when {@code deadline} passed, {@link #CLOSED}, or {@code -errno} when the wait
     *         itself could not be set up (epoll refused the descriptor)
     */
    public int await(short events, long deadline, long sliceNanos, boolean writeSide) {
        return awaitWith(events, deadline, sliceNanos, writeSide, null, false);
    }

    /**
     * As {@link #await}, and also wakes when {@code other} is closed: a transfer waits on one
     * end and must stop when either is closed. {@link #CLOSED} when either end is closed.
     */
    public int awaitAlso(short events, long deadline, boolean writeSide, PipeFd other, boolean otherWriteSide) {
        return awaitWith(events, deadline, Long.MAX_VALUE, writeSide, other, otherWriteSide);
    }

    private int awaitWith(short events, long deadline, long sliceNanos, boolean writeSide,
                          PipeFd other, boolean otherWriteSide) {
        if (closed || (other != null && other.closed)) {
            return CLOSED;
        }
        long wait = waitNanos(deadline, sliceNanos);
        if (wait < 0) {
            return TIMEOUT;
        }
        int r;
        if (Thread.currentThread().isVirtual() && !Poller.broken()) {
            r = awaitVirtual(fd, writeSide ? Flags.EPOLLOUT : Flags.EPOLLIN, wait, writeSide, other, otherWriteSide);
        } else {
            r = awaitPlatform(fd, events, wait, writeSide, other);
        }
        if (r < 0) {
            return closed ? CLOSED : r;
        }
        return afterWait(deadline, other);
    }

    /**
     * How long a wait that starts now may park: up to the deadline and at most
     * {@code sliceNanos} ({@code Long.MAX_VALUE} for no limit); -1 when the deadline has passed.
     */
    private static long waitNanos(long deadline, long sliceNanos) {
        long now = System.nanoTime();
        if (deadline != NO_DEADLINE && now - deadline >= 0) {
            return -1;
        }
        return Math.min(deadline == NO_DEADLINE ? Long.MAX_VALUE : deadline - now, sliceNanos);
    }

    /** How a wait that returned ended: {@link #CLOSED}, {@link #TIMEOUT} or {@link #READY}. */
    private int afterWait(long deadline, PipeFd other) {
        if (closed || (other != null && other.closed)) {
            return CLOSED;
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
            return TIMEOUT;
        }
        return READY;
    }

    /** Parks the calling thread for {@code waitNanos}, or until unparked when that is {@code Long.MAX_VALUE}. */
    private void park(long waitNanos) {
        if (waitNanos == Long.MAX_VALUE) {
            LockSupport.park(this);
        } else {
            LockSupport.parkNanos(this, waitNanos);
        }
    }

    /**
     * Waits until {@code foreign}, a descriptor fifokit does not own (standard input or output,
     * a file, a socket), reports {@code events}, or this end is closed, or the thread is
     * interrupted (a virtual thread wakes; a platform thread in an interruptible channel's
     * operation is woken by the close that the interrupt causes). Never pins a carrier.
     *
     * @return {@link #READY}, {@link #CLOSED}, or -errno
     */
    public int awaitForeign(int foreign, short events, boolean writeSide) {
        if (closed) {
            return CLOSED;
        }
        int r;
        if (Thread.currentThread().isVirtual() && !Poller.broken() && Poller.get().claimForeign(foreign, waiters)) {
            r = awaitVirtual(foreign, (events & Flags.POLLOUT) != 0 ? Flags.EPOLLOUT : Flags.EPOLLIN, Long.MAX_VALUE,
                    writeSide, null, false);
            if (r == -Errors.EPERM) {
                r = READY; // a regular file or /dev/null: epoll cannot wait on it, it is always ready
            }
            Poller.get().forgetForeign(foreign, waiters);
        } else {
            // a platform thread, or a descriptor the poller already watches for another end (the
            // caller passed a fifokit end's own descriptor): wait in poll(2)
            r = awaitPlatform(foreign, events, Long.MAX_VALUE, writeSide, null);
        }
        if (closed) {
            return CLOSED;
        }
        return r < 0 ? r : READY;
    }

    private int awaitPlatform(int on, short events, long waitNanos, boolean writeSide, PipeFd other) {
        int wake = wakeFd();
        int otherWake = other == null ? -1 : other.wakeFd();
        if (wake < 0 || (other != null && otherWake < 0)) {
            if (!closed) {
                // no descriptor left for the wake-up eventfd: wait in bounded slices instead
                LockSupport.parkNanos(this, Math.min(waitNanos, 10_000_000L));
            }
            return READY;
        }
        if (!enter()) {
            return READY; // closed: the caller sees it
        }
        try {
            if (other != null && !other.enter()) {
                return READY;
            }
            try {
                MemorySegment p = writeSide ? writePoll : readPoll;
                p.set(JAVA_INT, 0, on);
                p.set(JAVA_SHORT, 4, events);
                p.set(JAVA_SHORT, 6, (short) 0);
                p.set(JAVA_INT, POLLFD, wake);
                p.set(JAVA_SHORT, POLLFD + 4, Flags.POLLIN);
                p.set(JAVA_SHORT, POLLFD + 6, (short) 0);
                int n = 2;
                if (other != null) {
                    p.set(JAVA_INT, 2 * POLLFD, otherWake);
                    p.set(JAVA_SHORT, 2 * POLLFD + 4, Flags.POLLIN);
                    p.set(JAVA_SHORT, 2 * POLLFD + 6, (short) 0);
                    n = 3;
                }
                int timeout = waitNanos == Long.MAX_VALUE ? -1
                        : (int) Math.min(Integer.MAX_VALUE, (waitNanos + 999_999) / 1_000_000);
                int r = Libc.poll(writeSide ? writeState : readState, p, n, timeout);
                return r < 0 && r != -Errors.EINTR ? r : READY;
            } finally {
                if (other != null) {
                    other.leave();
                }
            }
        } finally {
            leave();
        }
    }

    private int awaitVirtual(int on, int epollEvents, long waitNanos, boolean writeSide, PipeFd other,
                             boolean otherWriteSide) {
        Poller poller = Poller.get();
        Thread me = Thread.currentThread();
        if (other != null) {
            other.waiters.set(otherWriteSide, me);
        }
        try {
            if (!enter()) {
                return READY;
            }
            int r;
            try {
                r = poller.arm(writeSide ? writeState : readState, writeSide ? writeEvent : readEvent, on,
                        epollEvents, writeSide, waiters);
            } finally {
                leave();
            }
            try {
                if (r < 0) {
                    return r;
                }
                if (!closed && (other == null || !other.closed)) {
                    park(waitNanos);
                }
                return READY; // if the poller failed meanwhile, the next wait uses poll(2)
            } finally {
                poller.disarm(waiters, writeSide);
            }
        } finally {
            if (other != null) {
                other.waiters.set(otherWriteSide, null);
            }
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
     * Registers the calling thread to be woken by {@link #watchOpens} events and by close, before
     * the caller checks for its peer. Checking first and registering after would lose an event
     * that arrives in between; registered first, such an event leaves a permit and the park in
     * {@link #awaitPeer} returns at once.
     */
    public void prepareAwaitPeer() {
        waiters.in = Thread.currentThread();
    }

    /** Ends a wait for the peer begun with {@link #prepareAwaitPeer()} (found or failed). */
    public void finishAwaitPeer() {
        waiters.in = null;
    }

    /**
     * Waits for the other side of a FIFO to open it: parks the calling thread (platform or
     * virtual) until the FIFO is opened by anyone (inotify, see {@link #watchOpens}), this
     * descriptor reports {@code events} (skipped when {@code events} is 0 or there is no
     * descriptor yet), {@code sliceNanos} pass, the deadline passes, or the end is closed or the
     * thread interrupted. Burns no CPU while parked. Call {@link #prepareAwaitPeer()} before the
     * check that decided to wait.
     *
     * @return {@link #READY}, {@link #TIMEOUT}, {@link #CLOSED} or -errno
     */
    public int awaitPeer(short events, long deadline, long sliceNanos) {
        try {
            if (closed) {
                return CLOSED;
            }
            long wait = waitNanos(deadline, sliceNanos);
            if (wait < 0) {
                return TIMEOUT;
            }
            if (Poller.broken()) {
                wait = Math.min(wait, 50_000_000L); // nobody reports opens any more: re-check
            }
            waiters.in = Thread.currentThread();
            if (events != 0 && fd >= 0) {
                if (!enter()) {
                    return CLOSED;
                }
                int r;
                try {
                    r = Poller.get().arm(readState, readEvent, fd, Flags.EPOLLIN, waiters);
                } finally {
                    leave();
                }
                if (r < 0) {
                    return closed ? CLOSED : r;
                }
            }
            if (!closed) {
                park(wait);
            }
        } finally {
            waiters.in = null;
        }
        return afterWait(deadline, null);
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

    /**
     * Gives a not-yet-connected end (created with -1) its descriptor. When the end was closed
     * meanwhile, the descriptor is closed here and false returned: a close that came first
     * always wins.
     */
    public synchronized boolean attach(int newFd) {
        if (closed || released) {
            Libc.close(controlState, newFd);
            return false;
        }
        this.fd = newFd;
        return true;
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

    /**
     * write(2) to a descriptor fifokit does not own, through a non-critical downcall (it may
     * block: a slow file system, a terminal); -errno on failure.
     */
    public static long writeForeign(MemorySegment state, int fd, MemorySegment buf, long count) {
        return Libc.writeMayBlock(state, fd, buf, count);
    }

    /** read(2) from a descriptor fifokit does not own, non-critical like {@link #writeForeign}. */
    public static long readForeign(MemorySegment state, int fd, MemorySegment buf, long count) {
        return Libc.readMayBlock(state, fd, buf, count);
    }

    /**
     * True when {@code fd} (a descriptor fifokit does not own) may block in read, write or
     * splice: it is in blocking mode and is not a regular file or block device (those are always
     * ready). Such a descriptor is waited for with {@link #awaitForeign} before each call.
     */
    public static boolean mayBlock(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            int fl = Libc.fcntl(st, fd, Flags.F_GETFL, 0);
            if (fl < 0 || (fl & Flags.O_NONBLOCK) != 0) {
                return false;
            }
        }
        Stat s = Stat.of(fd);
        if (!s.ok()) {
            return false;
        }
        int type = s.mode() & Flags.S_IFMT;
        return type != Flags.S_IFREG && type != 0060000 && !s.isDevNull();
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

    /**
     * Closes this end for good: marks it closed, wakes every waiter, waits up to
     * {@code boundNanos} until no thread is inside a call on the descriptor, then closes it.
     *
     * @return true when the descriptor is closed in the kernel on return; false when a thread
     *         was still inside a call after the bound (it then closes the descriptor itself as
     *         soon as that call returns)
     */
    public boolean close(long boundNanos) {
        signalClose();
        if (inKernel != 0) {
            long end = System.nanoTime() + boundNanos;
            boolean interrupted = false;
            closer = Thread.currentThread();
            try {
                while (inKernel != 0) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        closerGaveUp = true;
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                    if (Thread.interrupted()) {
                        interrupted = true;
                    }
                }
            } finally {
                closer = null;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (inKernel == 0) {
            release();
            return true;
        }
        return false;
    }

    /** Closes the descriptors once no thread is inside a call on them. */
    private synchronized void release() {
        closed = true;
        if (released) {
            return;
        }
        released = true;
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
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            int r = FifoPaths.reopen(controlState, fd, Flags.O_WRONLY);
            if (r >= 0) {
                keepAliveFd = r;
            }
            return r;
        } finally {
            leave();
        }
    }

    /**
     * Replaces this descriptor by a fresh open of the same FIFO, keeping its number. The new
     * open file has not seen the writers that left, so poll stops reporting POLLHUP and the
     * reader can wait for the next writer without a busy loop.
     */
    public synchronized int reopenForRead() {
        if (!enter()) {
            return CLOSED_RESULT;
        }
        try {
            int fresh = FifoPaths.reopen(controlState, fd, Flags.O_RDONLY);
            if (fresh < 0) {
                return fresh;
            }
            Poller.forgetIfStarted(controlState, fd);
            int r = Libc.dup3(controlState, fresh, fd, Flags.O_CLOEXEC);
            Libc.close(controlState, fresh);
            return r < 0 ? r : 0;
        } finally {
            leave();
        }
    }
}
