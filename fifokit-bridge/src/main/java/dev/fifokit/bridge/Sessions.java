package dev.fifokit.bridge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A listener's sessions, one per far side, by the instance it announced; bounded. A session is
 * bound to the key proven in the handshake that opened it and, when that connection presented a
 * TLS client certificate, to that certificate: a later connection claims it only with both
 * (see {@link Handshake}). When the table is full the session that matters least and has no link
 * is evicted; when every session has a link, a new far side is refused as busy.
 */
final class Sessions<S extends Sessions.Session> {

    /** What every session has: its owner's proof material and its current link. */
    abstract static class Session {
        final byte[] instance;
        final byte[] key;
        final byte[] certificate;
        private Link link;
        private long generation;

        Session(byte[] instance, byte[] key, byte[] certificate) {
            this.instance = instance;
            this.key = key;
            this.certificate = certificate;
        }

        /** Makes {@code next} the session's link; returns the one it replaces (to be closed). */
        synchronized Link attach(Link next) {
            Link old = link;
            link = next;
            generation++;
            return old;
        }

        /** {@code l} ended: the session has no link unless another one took over. */
        synchronized void detach(Link l) {
            if (link == l) {
                link = null;
            }
        }

        /**
         * Runs {@code r} unless another link has taken the session over from {@code l}
         * (atomically with {@link #attach}): what {@code l}'s sender took and never sent goes back
         * only while no newer link uses the session.
         */
        synchronized void unlessTakenOver(Link l, Runnable r) {
            if (link == null || link == l) {
                r.run();
            }
        }

        synchronized boolean connected() {
            return link != null && !link.isClosed();
        }

        /** {@return a number that changes whenever a link attaches} */
        synchronized long generation() {
            return generation;
        }

        /**
         * How willing this session is to go when the table is full and it has no link: 0 never,
         * 1 it holds something (evicting it costs its far side a replay or a duplicate), 2 it
         * holds nothing.
         */
        abstract int idleRank();

        /** Called when the session is evicted. */
        void evicted() {
        }

        String name() {
            return HexFormat.of().formatHex(instance, 0, 4);
        }
    }

    /**
     * A claim's outcome: the session, whether it existed (resumed) or was opened now, and the
     * link it had before (to be closed), if any.
     */
    record Claim<S>(S session, boolean resumed, Link replaced) {}

    private final int max;
    private final Consumer<String> log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, S> byInstance = new LinkedHashMap<>();

    Sessions(int max, Consumer<String> log) {
        this.max = max;
        this.log = log;
    }

    /** {@return the key of the session held for {@code instance}, or null} */
    byte[] keyOf(byte[] instance) {
        lock.lock();
        try {
            S s = byInstance.get(HexFormat.of().formatHex(instance));
            return s == null ? null : s.key;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The session of a far side that proved {@code key}: the one held for its instance when the
     * key (and certificate) match, or a new one from {@code open}; {@code link} becomes its link,
     * under the table's lock (so a resume and {@link #removeIf} never cross).
     *
     * @throws Refusal {@link Refusal#NOT_YOURS}: a session is held for the instance under another
     *         key or certificate; {@link Refusal#BUSY}: a new one would not fit
     */
    Claim<S> claim(byte[] instance, byte[] key, byte[] certificate, Supplier<S> open, Link link) throws Refusal {
        String peer = link.name();
        String id = HexFormat.of().formatHex(instance);
        S evicted = null;
        Claim<S> claim;
        lock.lock();
        try {
            S held = byInstance.get(id);
            if (held != null) {
                if (!Arrays.equals(held.key, key) || !Arrays.equals(held.certificate, certificate)) {
                    throw new Refusal(Refusal.NOT_YOURS, peer + ": claims the session of instance " + id
                            + (Arrays.equals(held.key, key) ? " with another certificate" : " without its key") + "; refused");
                }
                claim = new Claim<>(held, true, held.attach(link));
            } else {
                if (byInstance.size() >= max) {
                    evicted = evictOne();
                    if (evicted == null) {
                        throw new Refusal(Refusal.BUSY, peer + ": refused: " + max + " sessions, each with a link");
                    }
                }
                S s = open.get();
                byInstance.put(id, s);
                claim = new Claim<>(s, false, s.attach(link));
            }
        } finally {
            lock.unlock();
        }
        if (evicted != null) {
            log.accept("session " + evicted.name() + " evicted to make room (" + max + " sessions)");
            evicted.evicted();
        }
        return claim;
    }

    /** Removes {@code s} if it is still the session of its instance. */
    boolean remove(S s) {
        lock.lock();
        try {
            return byInstance.remove(HexFormat.of().formatHex(s.instance), s);
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code s} when it is still the session of its instance and {@code when} holds, atomically with claims. */
    boolean removeIf(S s, java.util.function.BooleanSupplier when) {
        lock.lock();
        try {
            return when.getAsBoolean() && byInstance.remove(HexFormat.of().formatHex(s.instance), s);
        } finally {
            lock.unlock();
        }
    }

    /** {@return every session now} */
    List<S> all() {
        lock.lock();
        try {
            return new ArrayList<>(byInstance.values());
        } finally {
            lock.unlock();
        }
    }

    /** The oldest session of the highest idle rank, removed; null when every one has a link. */
    private S evictOne() {
        S best = null;
        int bestRank = 0;
        for (S s : byInstance.values()) {
            int r = s.idleRank();
            if (r > bestRank) {
                best = s;
                bestRank = r;
                if (r == 2) {
                    break;
                }
            }
        }
        if (best != null) {
            for (Iterator<S> it = byInstance.values().iterator(); it.hasNext(); ) {
                if (it.next() == best) {
                    it.remove();
                    break;
                }
            }
        }
        return best;
    }
}
