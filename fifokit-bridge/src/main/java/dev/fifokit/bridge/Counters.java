package dev.fifokit.bridge;

import java.util.concurrent.atomic.AtomicLong;

/** The bridge's event counters, shared by its threads; {@link FifoBridge#stats()} reads them. */
final class Counters {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong copied = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
}
