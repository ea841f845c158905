package dev.fifokit.spawn;

import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.PipeFd;
import dev.fifokit.internal.linux.Spawning;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child process started by {@link Spawn}: its pid, waiting for it with a deadline, and
 * stopping it. The child is this JVM's own child, reaped (waitpid) by whichever of
 * {@link #waitFor}, {@link #isAlive()} or {@link #close()} first sees it exit, so no zombie is
 * left once one of them has.
 *
 * <p><b>Blocking.</b> {@link #waitFor()} and {@link #waitFor(Duration)} block until the child
 * exits: a virtual thread parks (on a pidfd watched by fifokit's poller, so its carrier is
 * free), a platform thread waits in poll(2). Both return early with
 * {@link InterruptedException} when the waiting thread is interrupted. Nothing else blocks,
 * except {@link #close()}, which kills a child that is still running and waits for it.
 *
 * <p>Signals go to the child only while it has not been reaped, so they never reach an
 * unrelated process that reused the pid.
 */
public final class ChildProcess implements AutoCloseable {
    /** Slice of a platform thread's wait, so an interrupt is seen within it. */
    private static final long PLATFORM_SLICE_NANOS = 50_000_000L;

    private final int pid;
    private final List<String> command;
    private final PipeFd exitFd;
    private final ReentrantLock waitLock = new ReentrantLock();
    private volatile int status = -1;
    private volatile boolean reaped;
    private boolean exitFdReleased;

    ChildProcess(int pid, List<String> command) {
        this.pid = pid;
        this.command = List.copyOf(command);
        int fd = Spawning.pidfdOpen(pid);
        this.exitFd = fd >= 0 ? new PipeFd(fd) : null;
    }

    /** {@return the child's process id} */
    public long pid() {
        return pid;
    }

    /** {@return the program and arguments it was started with, as an unmodifiable list} */
    public List<String> command() {
        return command;
    }

    /**
     * Tells whether the child still runs; reaps it when it has exited. Never blocks.
     *
     * @return true until the child has exited
     */
    public boolean isAlive() {
        return !poll();
    }

    /**
     * The child's status once it has exited, as a shell reports it: its exit code, or
     * 128 + N when signal N killed it; empty while it runs. Never blocks.
     *
     * @return the status (0 to 255), empty while the child runs, or -1 when something else in
     *         this process reaped the child first and its status was lost
     */
    public OptionalInt exitStatus() {
        return poll() ? OptionalInt.of(status) : OptionalInt.empty();
    }

    /**
     * Waits until the child exits.
     *
     * @return its status as a shell reports it (see {@link #exitStatus()})
     * @throws InterruptedException the waiting thread was interrupted (the child keeps running)
     */
    public int waitFor() throws InterruptedException {
        waitUntil(PipeFd.NO_DEADLINE);
        return status;
    }

    /**
     * Waits at most {@code timeout} for the child to exit.
     *
     * @param timeout the longest wait; zero or negative checks once without waiting
     * @return true when it has exited ({@link #exitStatus()} then has its status)
     * @throws InterruptedException the waiting thread was interrupted (the child keeps running)
     */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        return waitUntil(nanos <= 0 ? System.nanoTime() : System.nanoTime() + nanos);
    }

    private boolean waitUntil(long deadline) throws InterruptedException {
        if (poll()) {
            return true;
        }
        boolean forever = deadline == PipeFd.NO_DEADLINE;
        if (forever) {
            waitLock.lockInterruptibly();
        } else if (!waitLock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return poll();
        }
        try {
            while (true) {
                if (poll()) {
                    releaseExitFd();
                    return true;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for process " + pid);
                }
                if (!forever && System.nanoTime() - deadline >= 0) {
                    return false;
                }
                boolean virtual = Thread.currentThread().isVirtual();
                if (exitFd != null && !exitFdReleased) {
                    // a pidfd is readable once the process has exited
                    exitFd.await(Flags.POLLIN, deadline, virtual ? Long.MAX_VALUE : PLATFORM_SLICE_NANOS, false);
                } else {
                    // no pidfd (an old C library or kernel): look again every 10 ms
                    long left = forever ? 10_000_000L : Math.min(10_000_000L, deadline - System.nanoTime());
                    if (left > 0) {
                        Thread.sleep(Duration.ofNanos(left));
                    }
                }
            }
        } finally {
            waitLock.unlock();
        }
    }

    /** True once the child has exited and been reaped (by this call or an earlier one). */
    private synchronized boolean poll() {
        if (reaped) {
            return true;
        }
        int[] raw = new int[1];
        int r = Spawning.waitpid(pid, raw, Spawning.WNOHANG);
        if (r == pid) {
            status = Spawning.shellStatus(raw[0]);
            reaped = true;
        } else if (r == -Spawning.ECHILD) {
            // reaped behind our back (a SIGCHLD handler set to SIG_IGN, or waitpid(-1) elsewhere)
            status = -1;
            reaped = true;
        } else if (r < 0 && r != -Errors.EINTR) {
            throw new IllegalStateException("waitpid(" + pid + "): " + Errors.describe(-r));
        }
        return reaped;
    }

    private void releaseExitFd() {
        if (exitFd != null && !exitFdReleased) {
            exitFdReleased = true;
            exitFd.close(1_000_000_000L); // no thread is inside a call on it: the wait lock is ours
        }
    }

    /** Sends SIGTERM (unless the child has already exited). Never blocks. */
    public void destroy() {
        signal(Spawning.SIGTERM);
    }

    /** Sends SIGKILL (unless the child has already exited). Never blocks. */
    public void destroyForcibly() {
        signal(Spawning.SIGKILL);
    }

    /**
     * Sends SIGKILL to the child's current descendants, then to the child itself (unless it has
     * exited and been reaped). Never blocks; does not reap. A descendant that has already left
     * the child's tree (a daemon that forked twice and was re-parented) is out of reach.
     */
    public void destroyTree() {
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
        destroyForcibly();
    }

    /**
     * Sends signal {@code signal} to the child, unless it has already exited and been reaped.
     *
     * @param signal the signal number, e.g. 15 for SIGTERM or 9 for SIGKILL; 0 sends nothing
     *               but checks that the child can be signalled
     * @return true when the signal was sent; false once the child has been reaped, or when
     *         kill(2) refused it (e.g. an invalid signal number)
     */
    public synchronized boolean signal(int signal) {
        if (poll()) {
            return false;
        }
        return Spawning.kill(pid, signal) == 0;
    }

    /**
     * Kills the child with SIGKILL if it is still running, reaps it, and releases the pidfd.
     * Blocks until the child is gone (a SIGKILL cannot be refused; a process stuck in the kernel
     * may take a moment). An interrupt during that wait is kept for the caller.
     */
    @Override
    public void close() {
        destroyForcibly();
        boolean interrupted = false;
        while (true) {
            try {
                waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        waitLock.lock();
        try {
            releaseExitFd();
        } finally {
            waitLock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ChildProcess[pid=" + pid + ", " + String.join(" ", command) + (reaped ? ", exit " + status : "") + "]";
    }
}
