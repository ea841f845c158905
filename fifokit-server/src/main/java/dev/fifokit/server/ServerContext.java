package dev.fifokit.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;

/**
 * What every request of one server shares: where, how long, who handles, the two bounds
 * (handlers running, requests admitted) and the requests in flight, so a stop can end them.
 */
final class ServerContext {
    final Path directory;
    final Path serverFifo;
    final int maxPayload;
    final Duration deadline;
    final long stallNanos;
    final long maxRequestBytes;
    final boolean shared;
    /** The uid every reply FIFO must belong to, or null (shared: the owner is the identity). */
    final Integer owner;
    final RequestHandler handler;
    final ScheduledExecutorService timer;
    final ServerLog log;
    /** Handlers running: held from the handler's start until its thread has ended. */
    final Semaphore slots;
    /** Large request bodies being read at once (never waited for: past it the request gets an error). */
    final Semaphore bodies;
    /** Requests read and not yet over (waiting for a slot, running or delivering). */
    final Semaphore admitted;
    final int maxAdmitted;
    /** The least bound on requests admitted at once, whatever the handler bound. */
    static final int MIN_ADMITTED = 1024;
    final Set<RequestRun> runs = ConcurrentHashMap.newKeySet();
    /** Requests read while every admission was taken: started in order as admissions free up. */
    private final java.util.ArrayDeque<RequestRun.Ticket> pending = new java.util.ArrayDeque<>();
    final int maxPending;
    /** How often the writes waiting on clients are looked at (a stall limit is kept to within this). */
    static final long SWEEP_MILLIS = 50;
    /**
     * Reply writes that may be waiting on their client: a sweep every {@value #SWEEP_MILLIS} ms
     * expires those past their limit. Starting and ending a wait is two plain field writes, so a
     * reply that goes out at once costs no timer task (no lock, no wake-up of the timer thread).
     */
    final Set<Watched> watched = ConcurrentHashMap.newKeySet();

    /**
     * A wait with a limit, looked at by the sweep: a write on a client, and for a request whose
     * handler runs, its deadline and the moment its held reply parts should go out.
     */
    interface Watched {
        /** System.nanoTime() of the earliest limit to act on, or 0 when there is none. */
        long until();

        /**
         * Acts on what is past its limit (closes what a write waits on, has the reply taken over
         * or written on another thread); called at most once per sweep, never blocks.
         */
        void expire();
    }

    /**
     * Whether reply FIFOs are opened directly ({@link ReplyFifo#open}): the server is private and
     * nobody but its user can write its directory. Looked at again every
     * {@value #TRUST_EVERY_SWEEPS} sweeps (a chmod of the directory while serving takes effect
     * within a second).
     */
    volatile boolean directReplies;
    private final java.util.function.BooleanSupplier directCheck;
    private static final int TRUST_EVERY_SWEEPS = 20;
    private int sweeps;

    /** System.nanoTime() by which everything must be over once stopping; MAX_VALUE before. */
    volatile long hardStop = Long.MAX_VALUE;

    ServerContext(Path directory, Path serverFifo, int maxPayload, ServerOptions options, Integer owner,
                  ScheduledExecutorService timer, RequestHandler handler, ServerLog log,
                  java.util.function.BooleanSupplier onlyOwnerWrites) {
        this.directory = directory;
        this.serverFifo = serverFifo;
        this.maxPayload = maxPayload;
        this.deadline = options.requestDeadline();
        this.stallNanos = options.clientStall().toNanos();
        this.maxRequestBytes = options.maxRequestBytes();
        this.shared = options.isShared();
        this.owner = owner;
        this.handler = handler;
        this.timer = timer;
        this.log = log;
        this.slots = new Semaphore(options.maxInFlight());
        this.bodies = new Semaphore(options.maxInFlight());
        // an admitted request that waits (for a slot, or for its client to read) holds no
        // handler slot, only a virtual thread and its reply descriptor: so the bound is a
        // memory and descriptor bound, far above the handlers, and a crowd of clients that do
        // not read (each held up to the stall limit) never makes a queue in front of others
        this.maxAdmitted = Math.max(MIN_ADMITTED, options.maxInFlight() * 4);
        this.admitted = new Semaphore(maxAdmitted);
        this.maxPending = Math.max(1024, maxAdmitted * 8);
        this.directCheck = options.isShared() ? () -> false : onlyOwnerWrites;
        this.directReplies = directCheck.getAsBoolean();
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        if (++sweeps % TRUST_EVERY_SWEEPS == 0) {
            directReplies = directCheck.getAsBoolean();
        }
        long now = System.nanoTime();
        for (Watched w : watched) {
            long u = w.until();
            if (u != 0 && now - u >= 0) {
                w.expire();
            }
        }
    }

    /**
     * Starts {@code ticket} now when an admission is free, else queues it (the reading thread
     * never waits, so a flood of garbage cannot fill the pipe while it would); false when the
     * queue is full too.
     */
    boolean admit(RequestRun.Ticket ticket) {
        synchronized (pending) {
            if (pending.isEmpty() && admitted.tryAcquire()) {
                start(new RequestRun(this, ticket, null));
                return true;
            }
            if (pending.size() >= maxPending) {
                return false;
            }
            pending.add(ticket);
            return true;
        }
    }

    /** An admission was given back: start queued requests while admissions are free. */
    void released() {
        synchronized (pending) {
            while (!pending.isEmpty() && admitted.tryAcquire()) {
                start(new RequestRun(this, pending.poll(), null));
            }
        }
    }

    /** Requests read and not started yet. */
    int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Takes every queued request out (the server is stopping): they get an error reply instead. */
    java.util.List<RequestRun.Ticket> drainPending() {
        synchronized (pending) {
            java.util.List<RequestRun.Ticket> all = new java.util.ArrayList<>(pending);
            pending.clear();
            return all;
        }
    }

    /** Runs {@code run} on its own virtual thread (its admission is taken, or it needs none). */
    void start(RequestRun run) {
        try {
            Thread.ofVirtual().name("fifokit-request-" + run.pid()).start(run);
        } catch (RuntimeException | Error e) {
            run.notStarted();
            throw e;
        }
    }

    /** The latest moment a wait on a client may end: {@code nanos} from now, never past the hard stop. */
    long until(long nanos) {
        long t = System.nanoTime() + nanos;
        long h = hardStop;
        return h - t < 0 ? h : t;
    }
}
