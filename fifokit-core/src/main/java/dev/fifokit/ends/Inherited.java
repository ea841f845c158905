package dev.fifokit.ends;

import dev.fifokit.DescriptorException;
import dev.fifokit.DescriptorException.Problem;
import dev.fifokit.FifoException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.Inheritance;
import dev.fifokit.internal.linux.PipeFd;
import dev.fifokit.internal.linux.Stat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends made from descriptors this process inherited: a pipe or FIFO its parent opened
 * ({@code exec 3<fifo}, {@code producer | java ...}), or one a service manager passed (see
 * {@link ListenFds}). The end then behaves like any other: closing, blocking reads and writes
 * that park virtual threads, non-blocking mode, capacity.
 *
 * <p>Adopting checks, in this order, and throws {@link DescriptorException} naming
 * {@code "fd N"} when a check fails: the number is an open descriptor
 * ({@link Problem#NOT_OPEN}); it is a FIFO or pipe ({@link Problem#NOT_A_PIPE}, saying what it
 * is instead); its access mode suits the direction ({@link Problem#WRONG_DIRECTION}: a reader
 * needs {@code O_RDONLY} or {@code O_RDWR}, a writer {@code O_WRONLY} or {@code O_RDWR}, a
 * read-write end {@code O_RDWR}); no other end adopted it ({@link Problem#ALREADY_ADOPTED}).
 * Then it makes the descriptor close-on-exec (so children do not inherit it by accident) and
 * non-blocking, as every fifokit descriptor is. Adopting never blocks and never waits for a
 * peer.
 *
 * <p><b>The parent's copy is left alone.</b> {@code O_NONBLOCK} belongs to the open file
 * description, which a parent shares when it still holds the same descriptor ({@code exec
 * 3<>fifo} in a shell); flipping it would make the parent's own blocking reads fail with
 * {@code EAGAIN}. So the pipe is opened again through {@code /proc/self/fd/N}, in the same
 * access mode, and the new description takes number N (dup3); the pipe keeps its reader or
 * writer throughout. Where that is impossible or would change what the end sees (no
 * {@code /proc}, a FIFO's write end whose readers have all gone, a FIFO this process may no
 * longer open by its permissions, or a FIFO's read end whose writers have all gone, which a
 * new open would not report as end of stream), the shared description is made non-blocking
 * instead.
 *
 * <p><b>Hazard.</b> A FIFO inherited open read-write (systemd opens {@code ListenFIFO=} that
 * way) counts as a writer of itself, so a reader made from it never sees end of stream: it
 * waits for the next writer's data, which is what a long-running service wants.
 *
 * <p>The end owns the descriptor from then on: closing it closes descriptor N. Its
 * {@link FifoEnd#path()} is the FIFO's path as {@code /proc/self/fd/N} shows it, or
 * {@code null} for an anonymous pipe.
 *
 * <pre>{@code
 * // started as: sh -c 'exec 3<>/run/app/in.fifo; exec java -jar app.jar'
 * try (FifoReader in = Inherited.reader(3)) {
 *     in.inputStream().transferTo(System.out);
 * }
 * }</pre>
 */
public final class Inherited {
    private Inherited() {}

    static {
        Errors.preload();
        dev.fifokit.internal.ends.EndHandover.install(end -> end.pushback >= 0 ? 1 : 0);
    }

    /** Descriptors adopted and not yet closed, so one number never gets two owners. */
    private static final Set<Integer> ADOPTED = ConcurrentHashMap.newKeySet();

    /**
     * {@link #reader(int, PipeOptions)} with the default options. Never blocks.
     *
     * @param fd the descriptor
     * @return the reader, which owns the descriptor
     * @throws DescriptorException not open, not a FIFO or pipe, open write-only, or already adopted
     */
    public static FifoReader reader(int fd) throws FifoException {
        return reader(fd, PipeOptions.defaults());
    }

    /**
     * Adopts {@code fd} as a reading end. The options are those of its I/O (the descriptor is
     * already open, so there is nothing to wait for).
     *
     * @param fd      the descriptor
     * @param options non-blocking mode, spinning and capacity
     * @return the reader, which owns the descriptor
     * @throws DescriptorException not open, not a FIFO or pipe, open write-only, or already adopted
     * @throws dev.fifokit.PipeCapacityException the capacity asked for could not be set
     */
    public static FifoReader reader(int fd, PipeOptions options) throws FifoException {
        Checked c = check(fd, Direction.READ);
        return finish(new FifoReader(c.path, new PipeFd(fd), options, c.anonymous), fd, options);
    }

    /**
     * {@link #writer(int, PipeOptions)} with the default options. Never blocks.
     *
     * @param fd the descriptor
     * @return the writer, which owns the descriptor
     * @throws DescriptorException not open, not a FIFO or pipe, open read-only, or already adopted
     */
    public static FifoWriter writer(int fd) throws FifoException {
        return writer(fd, PipeOptions.defaults());
    }

    /**
     * Adopts {@code fd} as a writing end. Writing to it once every reader has gone fails with
     * {@link dev.fifokit.BrokenPipeException}, as for any writer.
     *
     * @param fd      the descriptor
     * @param options non-blocking mode, spinning and capacity
     * @return the writer, which owns the descriptor
     * @throws DescriptorException not open, not a FIFO or pipe, open read-only, or already adopted
     * @throws dev.fifokit.PipeCapacityException the capacity asked for could not be set
     */
    public static FifoWriter writer(int fd, PipeOptions options) throws FifoException {
        Checked c = check(fd, Direction.WRITE);
        return finish(new FifoWriter(c.path, new PipeFd(fd), options), fd, options);
    }

    /**
     * Adopts {@code fd}, which must be open read-write ({@code O_RDWR}), as a read-write end.
     * See {@link FifoReadWrite} for its hazard (no end of stream).
     *
     * @param fd      the descriptor
     * @param options non-blocking mode, spinning and capacity
     * @return the read-write end, which owns the descriptor
     * @throws DescriptorException not open, not a FIFO or pipe, not open read-write, or already adopted
     * @throws dev.fifokit.PipeCapacityException the capacity asked for could not be set
     */
    public static FifoReadWrite readWrite(int fd, PipeOptions options) throws FifoException {
        Checked c = check(fd, Direction.BOTH);
        return finish(new FifoReadWrite(c.path, new PipeFd(fd), options), fd, options);
    }

    private enum Direction {
        READ("a reader", "open for reading (O_RDONLY or O_RDWR)"),
        WRITE("a writer", "open for writing (O_WRONLY or O_RDWR)"),
        BOTH("a read-write end", "open for reading and writing (O_RDWR)");

        final String role;
        final String needs;

        Direction(String role, String needs) {
            this.role = role;
            this.needs = needs;
        }

        boolean accepts(int accessMode) {
            return switch (this) {
                case READ -> accessMode == Flags.O_RDONLY || accessMode == Flags.O_RDWR;
                case WRITE -> accessMode == Flags.O_WRONLY || accessMode == Flags.O_RDWR;
                case BOTH -> accessMode == Flags.O_RDWR;
            };
        }
    }

    private record Checked(Path path, boolean anonymous) {}

    private static Checked check(int fd, Direction direction) throws DescriptorException {
        String subject = "fd " + fd;
        if (fd < 0) {
            throw new DescriptorException(subject, fd, Problem.NOT_OPEN, "not a descriptor number");
        }
        int flags = Inheritance.statusFlags(fd);
        if (flags == -Errors.EBADF) {
            throw new DescriptorException(subject, fd, Problem.NOT_OPEN, "is not open in this process");
        }
        if (flags < 0) {
            throw new DescriptorException(subject, fd, Problem.NOT_OPEN, "fcntl(F_GETFL) failed: " + Errors.describe(-flags));
        }
        Stat st = Stat.of(fd);
        if (!st.ok()) {
            throw new DescriptorException(subject, fd, Problem.NOT_OPEN, "fstat failed: " + Errors.describe(st.errno()));
        }
        if (!st.isFifo()) {
            throw new DescriptorException(subject, fd, Problem.NOT_A_PIPE, "is " + kind(st.mode()) + ", not a FIFO or pipe");
        }
        if ((flags & Flags.O_PATH) != 0) {
            throw new DescriptorException(subject, fd, Problem.WRONG_DIRECTION,
                    "is an O_PATH handle (no reads or writes); " + direction.role + " needs it " + direction.needs);
        }
        int mode = flags & Flags.O_ACCMODE;
        if (!direction.accepts(mode)) {
            throw new DescriptorException(subject, fd, Problem.WRONG_DIRECTION, "is open "
                    + (mode == Flags.O_RDONLY ? "for reading only" : mode == Flags.O_WRONLY ? "for writing only" : "read-write")
                    + "; " + direction.role + " needs it " + direction.needs);
        }
        if (!ADOPTED.add(fd)) {
            throw new DescriptorException(subject, fd, Problem.ALREADY_ADOPTED, "is already owned by another fifokit end");
        }
        boolean ok = false;
        try {
            // a private description, so the parent's copy stays as it was (blocking, usually);
            // failing that (no /proc, a FIFO writer without reader, permissions), flip the
            // flags of the shared one
            boolean anonymous = Inheritance.fileSystemType(fd) == Inheritance.PIPEFS_MAGIC;
            if (Inheritance.reopenInPlace(fd, mode, !anonymous && mode == Flags.O_RDONLY) < 0) {
                int r = Inheritance.setCloseOnExec(fd);
                if (r < 0) {
                    throw new DescriptorException(subject, fd, Problem.NOT_OPEN, "cannot set close-on-exec: " + Errors.describe(-r));
                }
                r = Inheritance.setNonBlocking(fd, true);
                if (r < 0) {
                    throw new DescriptorException(subject, fd, Problem.NOT_OPEN, "cannot set O_NONBLOCK: " + Errors.describe(-r));
                }
            }
            ok = true;
            return new Checked(anonymous ? null : fifoPath(fd), anonymous);
        } finally {
            if (!ok) {
                ADOPTED.remove(fd);
            }
        }
    }

    private static <E extends FifoEnd> E finish(E end, int fd, PipeOptions options) throws FifoException {
        end.onClose(() -> ADOPTED.remove(fd));
        try {
            end.applyCapacity(options);
        } catch (FifoException e) {
            try {
                end.close();
            } catch (IOException ignored) {
                // never handed out
            }
            throw e;
        }
        return end;
    }

    /** The named FIFO's path as the kernel shows it, or "fd N" when /proc cannot tell. */
    private static Path fifoPath(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (target.endsWith(" (deleted)")) {
                target = target.substring(0, target.length() - " (deleted)".length());
            }
            return Path.of(target);
        } catch (IOException | RuntimeException e) {
            return Path.of("fd " + fd);
        }
    }

    private static String kind(int mode) {
        return switch (mode & Flags.S_IFMT) {
            case Flags.S_IFREG -> "a regular file";
            case Flags.S_IFDIR -> "a directory";
            case 0020000 -> "a character device (a terminal or /dev/null?)";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> "not a FIFO (file type " + Integer.toOctalString(mode & Flags.S_IFMT) + ")";
        };
    }
}
