package dev.fifokit.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;

/** What every request of one server shares: where, how long, who handles, and the in-flight bound. */
record ServerContext(Path directory, Path serverFifo, int maxPayload, Duration deadline,
                     RequestHandler handler, ScheduledExecutorService timer, ServerLog log,
                     Semaphore inFlight) {

    /** A request is over (answered, failed or dropped): its place in flight is free. */
    void finished() {
        inFlight.release();
    }
}
