package dev.fifokit.bridge;

import dev.fifokit.messages.Message;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Messages read from the source that no session has taken yet: the one place the source's
 * reading thread and the sessions' sending threads meet. The reader puts (and blocks while it
 * is full, which is the backpressure that reaches the FIFO's writers); a session takes a
 * message only while its link is up and it can send it at once, so nothing of the source goes
 * to a session whose link is gone. Messages a session took but never sent, or that a client
 * that left or vanished never acknowledged, come back to the front, in order.
 *
 * <p>Small: {@value #MESSAGES} messages and {@value #BYTES} bytes (at least one message), read
 * ahead of the sessions.
 */
final class Outbox {
    static final int MESSAGES = 16;
    static final int BYTES = 64 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private final Set<Wakeup> takers = ConcurrentHashMap.newKeySet();
    private long bytes;
    private boolean ended;
    private boolean overflow;

    /** Adds a message at the back, waiting while the outbox is full (unless {@link #allowOverflow()}). */
    void put(Message m) throws InterruptedException {
        lock.lock();
        try {
            while (!overflow && !queue.isEmpty() && (queue.size() >= MESSAGES || bytes >= BYTES)) {
                room.await();
            }
            queue.addLast(m);
            bytes += m.length();
        } finally {
            lock.unlock();
        }
        wakeTakers();
    }

    /** Waits until a message could be put without waiting. */
    void awaitRoom() throws InterruptedException {
        lock.lock();
        try {
            while (!overflow && !queue.isEmpty() && (queue.size() >= MESSAGES || bytes >= BYTES)) {
                room.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next message, or null when there is none now. */
    Message poll() {
        lock.lock();
        try {
            Message m = queue.pollFirst();
            if (m != null) {
                bytes -= m.length();
                room.signalAll();
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    /** Puts messages back at the front, in their order (they came out of a session). */
    void giveBack(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (int i = messages.size() - 1; i >= 0; i--) {
                queue.addFirst(messages.get(i));
                bytes += messages.get(i).length();
            }
        } finally {
            lock.unlock();
        }
        wakeTakers();
    }

    /** From now on {@link #put} never waits: the source is being stopped and what it still has must go in. */
    void allowOverflow() {
        lock.lock();
        try {
            overflow = true;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The source has ended (or was stopped): nothing more will be put. */
    void end() {
        lock.lock();
        try {
            ended = true;
            room.signalAll();
        } finally {
            lock.unlock();
        }
        wakeTakers();
    }

    /** {@return true when the source has ended and every message was taken} */
    boolean exhausted() {
        lock.lock();
        try {
            return ended && queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many messages wait} */
    int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** {@return their payload bytes} */
    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** {@code w} is woken whenever a message arrives or the source ends. */
    void addTaker(Wakeup w) {
        takers.add(w);
    }

    void removeTaker(Wakeup w) {
        takers.remove(w);
    }

    private void wakeTakers() {
        for (Wakeup w : takers) {
            w.wake();
        }
    }
}
