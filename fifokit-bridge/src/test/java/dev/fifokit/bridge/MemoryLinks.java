package dev.fifokit.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two {@link Link}s joined by in-memory pipes, the seam where the protocol is tested without
 * sockets: what one side writes the other reads; closing either side ends both directions (the
 * other reads end of stream); {@link Pair#cut()} resets both as a dropped TCP connection does.
 * Each direction holds at most 64 KiB, so a side that stops reading pushes back. Every blocking
 * read or write gives up after 30 s, so a test that goes wrong fails instead of hanging.
 */
final class MemoryLinks {
    private MemoryLinks() {}

    /** The two ends of one connection. */
    record Pair(Link connector, Link listener, Pipe up, Pipe down) {
        /** Resets the connection: both sides' reads and writes fail from now on. */
        void cut() {
            up.reset();
            down.reset();
        }
    }

    static Pair pair(String connectorName, String listenerName) {
        Pipe up = new Pipe();
        Pipe down = new Pipe();
        java.io.Closeable both = () -> {
            up.close();
            down.close();
        };
        Link c = Link.of(listenerName, down.in(), up.out(), both);
        Link l = Link.of(connectorName, up.in(), down.out(), both);
        return new Pair(c, l, up, down);
    }

    /** One direction: a bounded byte queue. */
    static final class Pipe {
        private static final int CAPACITY = 64 * 1024;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final byte[] ring = new byte[CAPACITY];
        private long written;
        private long read;
        private boolean closed;
        private boolean reset;

        void close() {
            lock.lock();
            try {
                closed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void reset() {
            lock.lock();
            try {
                reset = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void await() throws IOException {
            try {
                if (!changed.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("memory pipe: nothing happened for 30 s");
                }
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
        }

        InputStream in() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    lock.lock();
                    try {
                        while (true) {
                            if (reset) {
                                throw new SocketException("Connection reset");
                            }
                            if (written > read) {
                                int n = (int) Math.min(len, written - read);
                                for (int i = 0; i < n; i++) {
                                    b[off + i] = ring[(int) (read++ % CAPACITY)];
                                }
                                changed.signalAll();
                                return n;
                            }
                            if (closed) {
                                return -1;
                            }
                            await();
                        }
                    } finally {
                        lock.unlock();
                    }
                }

                @Override
                public int available() {
                    lock.lock();
                    try {
                        return (int) (written - read);
                    } finally {
                        lock.unlock();
                    }
                }
            };
        }

        OutputStream out() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    lock.lock();
                    try {
                        int done = 0;
                        while (done < len) {
                            if (reset) {
                                throw new SocketException("Connection reset");
                            }
                            if (closed) {
                                throw new SocketException("Socket closed");
                            }
                            int room = (int) (CAPACITY - (written - read));
                            if (room == 0) {
                                await();
                                continue;
                            }
                            int n = Math.min(room, len - done);
                            for (int i = 0; i < n; i++) {
                                ring[(int) (written++ % CAPACITY)] = b[off + done + i];
                            }
                            done += n;
                            changed.signalAll();
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            };
        }
    }
}
