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
    final Set<RequestRun> runs = ConcurrentHashMap.newKeySet();
    /** System.nanoTime() by which everything must be over once stopping; MAX_VALUE before. */
    volatile long hardStop = Long.MAX_VALUE;

    ServerContext(Path directory, Path serverFifo, int maxPayload, ServerOptions options, Integer owner,
                  ScheduledExecutorService timer, RequestHandler handler, ServerLog log) {
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
        this.maxAdmitted = Math.max(16, options.maxInFlight() * 4);
        this.admitted = new Semaphore(maxAdmitted);
    }

    /** The latest moment a wait on a client may end: {@code nanos} from now, never past the hard stop. */
    long until(long nanos) {
        long t = System.nanoTime() + nanos;
        long h = hardStop;
        return h - t < 0 ? h : t;
    }
}
