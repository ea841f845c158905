package dev.fifokit.ends;

import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.Libc;
import dev.fifokit.internal.linux.PipeFd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * splice(2) loops between a pipe end and another descriptor, and the plain copy used where the
 * kernel cannot splice (a terminal, a channel that is not a fifokit end).
 *
 * <p>A transfer only uses its ends' own operations and waits: every splice goes through the
 * ends' descriptors inside their kernel sections (so a {@code close()} of either end waits for
 * a splice in progress and no splice starts after it), and every wait also ends when either
 * end is closed or the thread is interrupted. A descriptor fifokit does not own is waited for
 * the same way (epoll for a virtual thread, poll(2) beside the end's wake-up eventfd for a
 * platform thread), never in a poll that nothing can end.
 */
final class Transfer {
    private Transfer() {}

    private static final long CHUNK = 1L << 30;
    private static final int COPY_BUFFER = 1 << 16;

    /**
     * One splice(2) transfer, as the shared loop ({@link #spliceLoop}) sees it: out of a pipe
     * (into an end or a raw descriptor) or into a pipe (from a raw descriptor).
     */
    private interface Splicing {
        /** One splice(2) of at most {@code max} bytes; bytes moved, 0 or -errno. */
        long splice(long max) throws IOException;

        /** splice(2) moved nothing: true at the end of the source, else wait for it. */
        boolean endOfSourceOrWait() throws IOException;

        /** splice(2) would block (EAGAIN): wait for whichever side is not ready. */
        void awaitEitherSide() throws IOException;

        /** True when splice(2) refused these descriptors (EINVAL) and the copy can go on another way. */
        boolean canFallBack();

        /** Moves the rest another way (after EINVAL), or fails. */
        long fallback(long remaining) throws IOException;

        /** The error for a failed splice(2): a closed end, else {@code -n} as an error. */
        IOException failure(long n, long moved);
    }

    /**
     * The one splice loop: moves up to {@code count} bytes, waiting (cancellably) on the side
     * that is not ready, until the source ends. The caller holds the ends' locks.
     */
    private static long spliceLoop(Splicing s, long count, long already) throws IOException {
        long total = already;
        while (total < count) {
            long n = s.splice(Math.min(count - total, CHUNK));
            if (n > 0) {
                total += n;
            } else if (n == 0) {
                if (s.endOfSourceOrWait()) {
                    return total;
                }
            } else if (n == -Errors.EAGAIN) {
                s.awaitEitherSide();
            } else if (n == -Errors.EINVAL && s.canFallBack()) {
                return total + s.fallback(count - total);
            } else if (n != -Errors.EINTR) {
                throw s.failure(n, total);
            }
        }
        return total;
    }

    /** Where a splice loop out of a pipe sends bytes: a fifokit end or a raw descriptor. */
    private interface Sink {
        Path path();

        /** One splice(2) from {@code src} into this sink; bytes moved or -errno. */
        long splice(FifoReader src, long max) throws IOException;

        /** The output is full: wait until it has room (or either end is closed). */
        void awaitRoom(FifoReader src) throws IOException;

        /** The source is empty: wait until it has bytes (or either end is closed). */
        void awaitData(FifoReader src) throws IOException;

        /** Writes the byte the reader's writer-probe took out of the pipe. */
        void writeByte(byte b) throws IOException;

        /** splice(2) refused this output (EINVAL): move the rest another way, or fail. */
        long fallback(FifoReader src, long remaining) throws IOException;
    }

    /**
     * Out of a pipe, for end-to-end and end-to-descriptor transfers: moves up to {@code count}
     * bytes from {@code src} to {@code sink} until end of stream. The caller holds the reader's
     * lock.
     */
    private static long pump(FifoReader src, Sink sink, long count) throws IOException {
        long total = 0;
        int held = src.takeHeldBack();
        if (held >= 0) {
            sink.writeByte((byte) held);
            total = 1;
        }
        return spliceLoop(new Splicing() {
            @Override
            public long splice(long max) throws IOException {
                return sink.splice(src, max);
            }

            @Override
            public boolean endOfSourceOrWait() throws IOException {
                if (src.atEndOfStream()) {
                    return true;
                }
                sink.awaitData(src);
                return false;
            }

            @Override
            public void awaitEitherSide() throws IOException {
                if (src.available() == 0) {
                    sink.awaitData(src);
                } else {
                    sink.awaitRoom(src);
                }
            }

            @Override
            public boolean canFallBack() {
                return !src.fd.isClosed();
            }

            @Override
            public long fallback(long remaining) throws IOException {
                return sink.fallback(src, remaining);
            }

            @Override
            public IOException failure(long n, long moved) {
                return src.fd.isClosed() ? src.closedError()
                        : Errors.ofWrite(sink.path(), src.path, (int) -n, "splice", moved);
            }
        }, count, total);
    }

    /** Pipe to pipe: both ends are fifokit's; a close of either ends the transfer. */
    static long splice(FifoReader src, FifoEnd dst, long count) throws IOException {
        Sink sink = new Sink() {
            @Override
            public Path path() {
                return dst.path;
            }

            @Override
            public long splice(FifoReader from, long max) throws IOException {
                long n = from.fd.spliceTo(dst.fd, max);
                if (n == -Errors.EBADF && dst.fd.isClosed()) {
                    throw dst.closedError();
                }
                return n;
            }

            @Override
            public void awaitRoom(FifoReader from) throws IOException {
                dst.waitForEither(Flags.POLLOUT, true, from, false);
            }

            @Override
            public void awaitData(FifoReader from) throws IOException {
                from.waitForEither(Flags.POLLIN, false, dst, true);
            }

            @Override
            public void writeByte(byte b) throws IOException {
                dst.writeSegment(MemorySegment.ofArray(new byte[] {b}));
            }

            @Override
            public long fallback(FifoReader from, long remaining) throws IOException {
                throw Errors.of(dst.path, Errors.EINVAL, "splice");
            }
        };
        src.readLock.lock();
        try {
            dst.writeLock.lock();
            try {
                src.enter();
                dst.enter();
                return pump(src, sink, count);
            } finally {
                dst.writeLock.unlock();
            }
        } finally {
            src.readLock.unlock();
        }
    }

    /** Pipe to a raw descriptor (a file, a socket, standard output). */
    static long spliceToDescriptor(FifoReader src, int out, Path outPath, long count) throws IOException {
        boolean mayBlock = PipeFd.mayBlock(out);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            Sink sink = new Sink() {
                @Override
                public Path path() {
                    return outPath;
                }

                @Override
                public long splice(FifoReader from, long max) throws IOException {
                    if (mayBlock) {
                        // a blocking descriptor that is full would block splice(2) itself
                        from.waitForForeign(out, Flags.POLLOUT, false, outPath);
                    }
                    return from.fd.spliceToForeign(out, max);
                }

                @Override
                public void awaitRoom(FifoReader from) throws IOException {
                    from.waitForForeign(out, Flags.POLLOUT, false, outPath);
                }

                @Override
                public void awaitData(FifoReader from) throws IOException {
                    from.waitFor(Flags.POLLIN, false, PipeFd.NO_DEADLINE);
                }

                @Override
                public void writeByte(byte b) throws IOException {
                    MemorySegment one = arena.allocate(1);
                    one.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b);
                    writeAllForeign(src, st, out, one, outPath);
                }

                @Override
                public long fallback(FifoReader from, long remaining) throws IOException {
                    return copyToDescriptor(from, st, out, outPath, remaining, arena);
                }
            };
            src.readLock.lock();
            try {
                src.enter();
                return pump(src, sink, count);
            } finally {
                src.readLock.unlock();
            }
        }
    }

    private static long copyToDescriptor(FifoReader src, MemorySegment st, int out, Path outPath, long count,
                                         Arena arena) throws IOException {
        MemorySegment buf = arena.allocate(COPY_BUFFER, 64);
        long total = 0;
        while (total < count) {
            long n = src.readLocked(buf, Math.min(COPY_BUFFER, count - total));
            if (n < 0) {
                break;
            }
            writeAllForeign(src, st, out, buf.asSlice(0, n), outPath);
            total += n;
        }
        return total;
    }

    /**
     * Writes all of {@code data} to a descriptor fifokit does not own, waiting for room
     * through {@code end} (so closing that end or interrupting the thread ends the wait).
     */
    private static void writeAllForeign(FifoEnd end, MemorySegment st, int out, MemorySegment data, Path outPath)
            throws IOException {
        long done = 0;
        long len = data.byteSize();
        boolean mayBlock = PipeFd.mayBlock(out);
        while (done < len) {
            if (mayBlock) {
                end.waitForForeign(out, Flags.POLLOUT, false, outPath);
            }
            long n = PipeFd.writeForeign(st, out, data.asSlice(done), len - done);
            if (n > 0) {
                done += n;
            } else if (n == -Errors.EAGAIN) {
                end.waitForForeign(out, Flags.POLLOUT, false, outPath);
            } else if (n != -Errors.EINTR) {
                throw Errors.ofWrite(outPath, (int) -n, "write", done);
            }
        }
    }

    /** A raw descriptor (standard input, a file) into a pipe. */
    static long spliceFromDescriptor(FifoWriter dst, int in, long count) throws IOException {
        boolean mayBlock = PipeFd.mayBlock(in);
        dst.writeLock.lock();
        try (Arena arena = Arena.ofConfined()) {
            dst.enter();
            MemorySegment st = Libc.newCallState(arena);
            return spliceLoop(new Splicing() {
                @Override
                public long splice(long max) throws IOException {
                    if (mayBlock) {
                        // a blocking source with nothing to read would block splice(2) itself
                        dst.waitForForeign(in, Flags.POLLIN, true, null);
                    }
                    return dst.fd.spliceFromForeign(in, max);
                }

                @Override
                public boolean endOfSourceOrWait() {
                    return true; // the source is at end of file
                }

                @Override
                public void awaitEitherSide() throws IOException {
                    if ((dst.fd.pollNow(Flags.POLLOUT, true) & Flags.POLLOUT) == 0) {
                        dst.waitFor(Flags.POLLOUT, true, PipeFd.NO_DEADLINE);
                    } else {
                        dst.waitForForeign(in, Flags.POLLIN, true, null);
                    }
                }

                @Override
                public boolean canFallBack() {
                    return !dst.fd.isClosed();
                }

                @Override
                public long fallback(long remaining) throws IOException {
                    return copyFromDescriptor(dst, st, in, remaining, arena, mayBlock);
                }

                @Override
                public IOException failure(long n, long moved) {
                    return dst.fd.isClosed() ? dst.closedError() : Errors.ofWrite(dst.path, (int) -n, "splice", moved);
                }
            }, count, 0);
        } finally {
            dst.writeLock.unlock();
        }
    }

    private static long copyFromDescriptor(FifoWriter dst, MemorySegment st, int in, long count, Arena arena,
                                           boolean mayBlock) throws IOException {
        MemorySegment buf = arena.allocate(COPY_BUFFER, 64);
        long total = 0;
        while (total < count) {
            if (mayBlock) {
                dst.waitForForeign(in, Flags.POLLIN, true, null);
            }
            long n = PipeFd.readForeign(st, in, buf, Math.min(COPY_BUFFER, count - total));
            if (n == 0) {
                break;
            }
            if (n == -Errors.EAGAIN) {
                dst.waitForForeign(in, Flags.POLLIN, true, null);
                continue;
            }
            if (n == -Errors.EINTR) {
                continue;
            }
            if (n < 0) {
                throw Errors.of(null, (int) -n, "read input");
            }
            dst.writeSegment(buf.asSlice(0, n));
            total += n;
        }
        return total;
    }

    /** A fifokit reader into any channel, through one direct buffer. */
    static long copy(FifoReader src, WritableByteChannel target, long count) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER);
        long total = 0;
        while (total < count) {
            buf.clear().limit((int) Math.min(COPY_BUFFER, count - total));
            int n = src.read(buf);
            if (n < 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                target.write(buf);
            }
            total += n;
        }
        return total;
    }
}
