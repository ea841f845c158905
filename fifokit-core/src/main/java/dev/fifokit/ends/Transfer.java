package dev.fifokit.ends;

import dev.fifokit.BrokenPipeException;
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
 */
final class Transfer {
    private Transfer() {}

    private static final long CHUNK = 1L << 30;
    private static final int COPY_BUFFER = 1 << 16;

    /** Where a splice loop sends bytes: a fifokit end or a raw descriptor. */
    private interface Sink {
        int fd();

        Path path();

        /** The output is full: wait until it has room. */
        void awaitRoom() throws IOException;

        /** Writes the byte the reader's writer-probe took out of the pipe. */
        void writeByte(byte b) throws IOException;

        /** splice(2) refused this output (EINVAL): move the rest another way, or fail. */
        long fallback(FifoReader src, long remaining) throws IOException;
    }

    /**
     * The one splice loop: moves up to {@code count} bytes from {@code src} to {@code sink},
     * waiting (cancellably) on the side that is not ready, until end of stream. The caller
     * holds the reader's lock and has entered it.
     */
    private static long pump(FifoReader src, Sink sink, long count) throws IOException {
        long total = 0;
        if (src.pushback >= 0) {
            byte b = (byte) src.pushback;
            src.pushback = -1;
            sink.writeByte(b);
            total = 1;
        }
        while (total < count) {
            long n = src.fd.spliceTo(sink.fd(), Math.min(count - total, CHUNK));
            if (n > 0) {
                total += n;
                continue;
            }
            if (n == 0) {
                if (src.atEndOfStream()) {
                    return total;
                }
                src.waitFor(Flags.POLLIN, false, PipeFd.NO_DEADLINE);
            } else if (n == -Errors.EAGAIN) {
                if (src.fd.available() == 0) {
                    src.waitFor(Flags.POLLIN, false, PipeFd.NO_DEADLINE);
                } else {
                    sink.awaitRoom();
                }
            } else if (n == -Errors.EPIPE) {
                throw new BrokenPipeException(sink.path(), total);
            } else if (n == -Errors.EINVAL) {
                return total + sink.fallback(src, count - total);
            } else if (n != -Errors.EINTR) {
                throw Errors.of(sink.path() != null ? sink.path() : src.path, (int) -n, "splice");
            }
        }
        return total;
    }

    /** Pipe to pipe: both ends are fifokit's, both waits are cancellable. */
    static long splice(FifoReader src, PipeFd dstFd, Path dstPath, FifoEnd dst, long count) throws IOException {
        Sink sink = new Sink() {
            @Override
            public int fd() {
                return dstFd.fd();
            }

            @Override

            public Path path() {
                return dstPath;
            }

            @Override

            public void awaitRoom() throws IOException {
                dst.waitFor(Flags.POLLOUT, true, PipeFd.NO_DEADLINE);
            }

            @Override

            public void writeByte(byte b) throws IOException {
                dst.writeSegment(MemorySegment.ofArray(new byte[] {b}));
            }

            @Override

            public long fallback(FifoReader from, long remaining) throws IOException {
                throw Errors.of(dstPath, Errors.EINVAL, "splice");
            }
        };
        src.readLock.lock();
        dst.writeLock.lock();
        src.enter();
        try {
            dst.enter();
            try {
                return pump(src, sink, count);
            } finally {
                dst.exit();
            }
        } finally {
            src.exit();
            dst.writeLock.unlock();
            src.readLock.unlock();
        }
    }

    /** Pipe to a raw descriptor (a file, a socket, standard output). */
    static long spliceToDescriptor(FifoReader src, int out, Path outPath, long count) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            Sink sink = new Sink() {
                @Override
                public int fd() {
                    return out;
                }

                @Override

                public Path path() {
                    return outPath;
                }

                @Override

                public void awaitRoom() {
                    PipeFd.pollRaw(out, Flags.POLLOUT, -1);
                }

                @Override

                public void writeByte(byte b) throws IOException {
                    MemorySegment one = arena.allocate(1);
                    one.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b);
                    writeAllRaw(st, out, one, outPath);
                }

                @Override

                public long fallback(FifoReader from, long remaining) throws IOException {
                    return copyToDescriptor(from, st, out, outPath, remaining, arena);
                }
            };
            src.readLock.lock();
            src.enter();
            try {
                return pump(src, sink, count);
            } finally {
                src.exit();
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
            writeAllRaw(st, out, buf.asSlice(0, n), outPath);
            total += n;
        }
        return total;
    }

    private static void writeAllRaw(MemorySegment st, int out, MemorySegment data, Path outPath) throws IOException {
        long done = 0;
        long len = data.byteSize();
        while (done < len) {
            long n = PipeFd.writeRaw(st, out, data.asSlice(done), len - done);
            if (n > 0) {
                done += n;
            } else if (n == -Errors.EAGAIN) {
                PipeFd.pollRaw(out, Flags.POLLOUT, -1);
            } else if (n == -Errors.EPIPE) {
                throw new BrokenPipeException(outPath, done);
            } else if (n != -Errors.EINTR) {
                throw Errors.of(outPath, (int) -n, "write");
            }
        }
    }

    /** A raw descriptor (standard input, a file) into a pipe. */
    static long spliceFromDescriptor(FifoWriter dst, int in, long count) throws IOException {
        dst.writeLock.lock();
        dst.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            long total = 0;
            while (total < count) {
                long n = dst.fd.spliceFrom(in, Math.min(count - total, CHUNK));
                if (n > 0) {
                    total += n;
                    continue;
                }
                if (n == 0) {
                    return total; // the source is at end of file
                }
                if (n == -Errors.EAGAIN) {
                    if ((dst.fd.pollNow(Flags.POLLOUT, true) & Flags.POLLOUT) == 0) {
                        dst.waitFor(Flags.POLLOUT, true, PipeFd.NO_DEADLINE);
                    } else {
                        PipeFd.pollRaw(in, Flags.POLLIN, -1);
                    }
                } else if (n == -Errors.EPIPE) {
                    throw new BrokenPipeException(dst.path, total);
                } else if (n == -Errors.EINVAL) {
                    return total + copyFromDescriptor(dst, st, in, count - total, arena);
                } else if (n != -Errors.EINTR) {
                    throw Errors.of(dst.path, (int) -n, "splice");
                }
            }
            return total;
        } finally {
            dst.exit();
            dst.writeLock.unlock();
        }
    }

    private static long copyFromDescriptor(FifoWriter dst, MemorySegment st, int in, long count, Arena arena)
            throws IOException {
        MemorySegment buf = arena.allocate(COPY_BUFFER, 64);
        long total = 0;
        while (total < count) {
            long n = PipeFd.readRaw(st, in, buf, Math.min(COPY_BUFFER, count - total));
            if (n == 0) {
                break;
            }
            if (n == -Errors.EAGAIN) {
                PipeFd.pollRaw(in, Flags.POLLIN, -1);
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
