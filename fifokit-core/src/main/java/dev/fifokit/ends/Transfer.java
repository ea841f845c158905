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

    /** Pipe to pipe: both ends are fifokit's, both waits are cancellable. */
    static long splice(FifoReader src, PipeFd dstFd, Path dstPath, FifoEnd dst, long count) throws IOException {
        src.readLock.lock();
        dst.writeLock.lock();
        src.enter();
        try {
            dst.enter();
            try {
                long total = flushPushback(src, dst);
                while (total < count) {
                    long n = src.fd.spliceTo(dstFd.fd(), Math.min(count - total, CHUNK));
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
                            dst.waitFor(Flags.POLLOUT, true, PipeFd.NO_DEADLINE);
                        }
                    } else if (n == -Errors.EPIPE) {
                        throw new BrokenPipeException(dstPath, total);
                    } else if (n != -Errors.EINTR) {
                        throw Errors.of(src.path, (int) -n, "splice");
                    }
                }
                return total;
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
        src.readLock.lock();
        src.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(arena);
            long total = 0;
            if (src.pushback >= 0) {
                MemorySegment one = arena.allocate(1);
                one.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) src.pushback);
                src.pushback = -1;
                writeAllRaw(st, out, one, outPath);
                total = 1;
            }
            while (total < count) {
                long n = src.fd.spliceTo(out, Math.min(count - total, CHUNK));
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
                        PipeFd.pollRaw(out, Flags.POLLOUT, -1);
                    }
                } else if (n == -Errors.EPIPE) {
                    throw new BrokenPipeException(outPath, total);
                } else if (n == -Errors.EINVAL) {
                    return total + copyToDescriptor(src, st, out, outPath, count - total, arena);
                } else if (n != -Errors.EINTR) {
                    throw Errors.of(outPath != null ? outPath : src.path, (int) -n, "splice");
                }
            }
            return total;
        } finally {
            src.exit();
            src.readLock.unlock();
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

    private static long flushPushback(FifoReader src, FifoEnd dst) throws IOException {
        if (src.pushback < 0) {
            return 0;
        }
        byte[] one = {(byte) src.pushback};
        src.pushback = -1;
        dst.writeSegment(MemorySegment.ofArray(one));
        return 1;
    }
}
