package dev.fifokit.diagnostics;

import dev.fifokit.FifoException;
import dev.fifokit.SymlinkException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.Stat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds who holds a FIFO and who is blocked opening it, by walking {@code /proc}:
 *
 * <ul>
 *   <li><b>Holders</b>: every {@code /proc/<pid>/fd/<n>} whose target has the FIFO's device
 *       and inode (so a renamed or unlinked FIFO is still found; the path text is never
 *       compared). The access mode comes from {@code /proc/<pid>/fdinfo/<n>} ({@code flags & 3});
 *       the state from each thread's wait channel ({@code anon_pipe_read}/{@code pipe_read},
 *       {@code anon_pipe_write}/{@code pipe_write}, both kernel spellings) checked against the
 *       descriptor of the read or write it is in ({@code /proc/<pid>/task/<tid>/syscall}).</li>
 *   <li><b>Openers</b>: threads whose wait channel is {@code wait_for_partner}, whose system
 *       call is open/openat/openat2, and whose path argument, read from
 *       {@code /proc/<pid>/mem} and resolved in that process's root and working directory,
 *       leads to this FIFO. When the memory may not be read, the opener cannot be placed and is
 *       reported in {@link WhoReport#unknownOpeners()}, never claimed for this FIFO.</li>
 * </ul>
 *
 * <p>The scan never blocks (procfs only; the FIFO itself is never opened) and takes time
 * proportional to the number of descriptors and threads on the system. Processes that exit
 * during the scan are skipped; processes this caller may not inspect are counted in
 * {@link WhoReport#unreadableProcesses()}. Without root, wait channels of other users'
 * processes read as unknown and their states as plain "sleeping".
 */
public final class FifoHolders {
    private FifoHolders() {}

    private static final Set<String> READ_WAITS = Set.of("anon_pipe_read", "pipe_read");
    private static final Set<String> WRITE_WAITS = Set.of("anon_pipe_write", "pipe_write");

    /** Who holds the FIFO at {@code path}; a symlink there is refused. */
    public static WhoReport of(Path path) throws FifoException {
        return of(path, false);
    }

    /**
     * Who holds the FIFO at {@code path}, following a symlink there when {@code followSymlinks}
     * (which also lets {@code /proc/<pid>/fd/<n>} name a FIFO that has been unlinked, or an
     * anonymous pipe).
     *
     * @throws dev.fifokit.NoSuchFifoException the path does not exist
     * @throws dev.fifokit.NotAFifoException   it is not a FIFO
     * @throws SymlinkException                it is a symlink and links are not followed
     * @throws FifoException                   {@code /proc} cannot be listed, or stat failed
     */
    public static WhoReport of(Path path, boolean followSymlinks) throws FifoException {
        Stat s = Stat.of(path.toString(), followSymlinks);
        if (!s.ok()) {
            throw Errors.of(path, s.errno(), "stat");
        }
        if (s.isSymlink()) {
            throw new SymlinkException(path, "is a symbolic link; refusing to follow it");
        }
        if (!s.isFifo()) {
            throw Errors.notAFifo(path, s.mode());
        }
        return scan(path, s.dev(), s.ino(), linkCount(path, followSymlinks) == 0);
    }

    private static long linkCount(Path path, boolean follow) {
        try {
            Object n = follow ? Files.getAttribute(path, "unix:nlink")
                    : Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            return n instanceof Number num ? num.longValue() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static WhoReport scan(Path path, long dev, long ino, boolean unlinked) throws FifoException {
        List<Long> pids;
        try {
            pids = ProcFs.numericEntries(ProcFs.PROC);
        } catch (IOException e) {
            throw new FifoException(ProcFs.PROC, "cannot list processes: " + e.getMessage(), e);
        }
        List<Holder> holders = new ArrayList<>();
        List<Opener> opening = new ArrayList<>();
        List<Opener> unknown = new ArrayList<>();
        int unreadable = 0;
        for (long pid : pids) {
            Path dir = ProcFs.pidDir(pid);
            List<Long> fds;
            try {
                fds = ProcFs.numericEntries(dir.resolve("fd"));
            } catch (AccessDeniedException e) {
                if (Files.exists(dir)) {
                    unreadable++;
                }
                fds = List.of();
            } catch (IOException | SecurityException e) {
                fds = List.of(); // exited meanwhile
            }
            for (long fd : fds) {
                Holder h = holder(pid, (int) fd, dev, ino);
                if (h != null) {
                    holders.add(h);
                }
            }
            openers(pid, dev, ino, opening, unknown);
        }
        boolean deleted = unlinked || holders.stream().anyMatch(Holder::deleted);
        return new WhoReport(path, dev, ino, deleted, holders, opening, unknown, unreadable);
    }

    /**
     * The holder row for descriptor {@code fd} of {@code pid}, or {@code null} if it is not this
     * FIFO (or vanished). Cheap checks come first (the link text, the fdinfo inode), so statx,
     * which may call into a file system (a hung network or FUSE mount), runs only on candidates.
     */
    private static Holder holder(long pid, int fd, long dev, long ino) {
        Path link = ProcFs.pidDir(pid).resolve("fd").resolve(Integer.toString(fd));
        String target;
        try {
            target = Files.readSymbolicLink(link).toString();
        } catch (IOException | RuntimeException e) {
            return null; // closed or exited
        }
        if (target.startsWith("pipe:[")) {
            if (!target.equals("pipe:[" + Long.toUnsignedString(ino) + "]")) {
                return null;
            }
        } else if (!target.startsWith("/")) {
            return null; // socket:[...], anon_inode:...: never a FIFO
        }
        String info = ProcFs.readQuietly(ProcFs.pidDir(pid).resolve("fdinfo").resolve(Integer.toString(fd)));
        if (info == null) {
            return null;
        }
        Long inoSeen = fdinfoNumber(info, "ino:", 10);
        if (inoSeen != null && inoSeen != ino) {
            return null;
        }
        Stat s = Stat.of(link.toString(), true);
        if (!s.ok() || s.dev() != dev || s.ino() != ino) {
            return null;
        }
        Long flags = fdinfoNumber(info, "flags:", 8);
        String command = ProcFs.comm(pid);
        if (flags == null || command == null) {
            return null; // exited between the reads
        }
        AccessMode mode = AccessMode.ofFlags(flags);
        String[] wchan = {""};
        HolderState state = stateOf(pid, fd, wchan);
        return new Holder(pid, command, fd, mode, state, wchan[0], target);
    }

    /**
     * A number from an fdinfo file: {@code flags:} is octal, {@code ino:} decimal. {@code null}
     * when the line is missing (older kernels have no {@code ino:}) or malformed.
     */
    static Long fdinfoNumber(String fdinfo, String key, int radix) {
        for (String line : fdinfo.split("\n")) {
            if (line.startsWith(key)) {
                try {
                    return Long.parseUnsignedLong(line.substring(key.length()).strip(), radix);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * Blocked reading or writing descriptor {@code fd} if any thread of {@code pid} waits in
     * a pipe read or write on it (or on a descriptor it cannot tell, when the system call is
     * unreadable); otherwise the process's scheduler state.
     */
    private static HolderState stateOf(long pid, int fd, String[] wchanOut) {
        Path dir = ProcFs.pidDir(pid);
        List<Long> tids = ProcFs.numericEntriesQuietly(dir.resolve("task"));
        if (tids.isEmpty()) {
            tids = List.of(pid);
        }
        boolean running = false;
        for (long tid : tids) {
            Path task = dir.resolve("task").resolve(Long.toString(tid));
            String w = ProcFs.wchan(task.resolve("wchan"));
            boolean reading = w != null && READ_WAITS.contains(w);
            boolean writing = w != null && WRITE_WAITS.contains(w);
            if (reading || writing) {
                Syscall call = Syscall.of(task.resolve("syscall"));
                int on = call == null ? -1 : call.ioDescriptor();
                if (on < 0 || on == fd) {
                    wchanOut[0] = w;
                    return reading ? HolderState.BLOCKED_READ : HolderState.BLOCKED_WRITE;
                }
            }
            running |= ProcFs.statState(task.resolve("stat")) == 'R';
        }
        if (running) {
            return HolderState.RUNNING;
        }
        return HolderState.ofStateCode(ProcFs.statState(dir.resolve("stat")));
    }

    /** Adds the threads of {@code pid} blocked opening this FIFO to {@code opening}, or to {@code unknown} when they cannot be placed. */
    private static void openers(long pid, long dev, long ino, List<Opener> opening, List<Opener> unknown) {
        Path dir = ProcFs.pidDir(pid);
        for (long tid : ProcFs.numericEntriesQuietly(dir.resolve("task"))) {
            Path task = dir.resolve("task").resolve(Long.toString(tid));
            if (!ProcessStatus.WAIT_FOR_PARTNER.equals(ProcFs.wchan(task.resolve("wchan")))) {
                continue;
            }
            String command = ProcFs.comm(pid);
            if (command == null) {
                continue;
            }
            String text = ProcFs.readQuietly(task.resolve("syscall"));
            if (text == null) {
                if (Files.exists(task)) {
                    unknown.add(new Opener(pid, tid, command, null, null));
                }
                continue;
            }
            Syscall call = Syscall.parse(text);
            if (call == null || !call.isOpen()) {
                continue; // released from the open meanwhile
            }
            Long flags = call.isOpenat2() ? ProcessMemory.u64(pid, call.openFlagsArgument()) : call.openFlagsArgument();
            AccessMode mode = flags == null ? null : AccessMode.ofFlags(flags);
            byte[] raw = ProcessMemory.cString(pid, call.openPathAddress());
            if (raw == null || raw.length == 0) {
                if (Files.exists(task)) {
                    unknown.add(new Opener(pid, tid, command, mode, null));
                }
                continue;
            }
            String asPassed = new String(raw, StandardCharsets.UTF_8);
            String inTheirView;
            if (asPassed.startsWith("/")) {
                inTheirView = dir.resolve("root") + asPassed;
            } else if (call.openDirFd() == Flags.AT_FDCWD) {
                inTheirView = dir.resolve("cwd") + "/" + asPassed;
            } else {
                inTheirView = dir.resolve("fd").resolve(Integer.toString(call.openDirFd())) + "/" + asPassed;
            }
            boolean follow = flags == null || (flags & Flags.O_NOFOLLOW) == 0;
            Stat s = Stat.of(inTheirView, follow);
            if (!s.ok()) {
                if (Files.exists(task)) {
                    unknown.add(new Opener(pid, tid, command, mode, asPassed));
                }
            } else if (s.dev() == dev && s.ino() == ino) {
                opening.add(new Opener(pid, tid, command, mode == null ? AccessMode.READ : mode, asPassed));
            }
        }
    }
}
