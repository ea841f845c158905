package dev.fifokit.diagnostics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sentences of {@link WhoReport#diagnosis()}: what the snapshot means for the FIFO's users. */
final class Diagnosis {
    private Diagnosis() {}

    static List<String> of(WhoReport r) {
        List<String> out = new ArrayList<>();
        List<Holder> holders = r.holders();
        boolean reader = holders.stream().anyMatch(h -> h.mode().reads());
        boolean writer = holders.stream().anyMatch(h -> h.mode().writes());
        List<Opener> openingWriters = r.opening().stream().filter(o -> o.mode() == AccessMode.WRITE).toList();
        List<Opener> openingReaders = r.opening().stream().filter(o -> o.mode() == AccessMode.READ).toList();

        if (holders.isEmpty() && r.opening().isEmpty()) {
            out.add(r.partial() ? "no process this user may inspect has it open" : "nobody has it open");
        }
        Map<Long, Holder> readWrite = new LinkedHashMap<>();
        for (Holder h : holders) {
            if (h.mode() == AccessMode.READ_WRITE) {
                readWrite.putIfAbsent(h.pid(), h);
            }
        }
        for (Holder h : readWrite.values()) {
            out.add("pid " + h.pid() + " holds it read-write: readers will never see EOF");
        }
        if (!reader) {
            if (!openingWriters.isEmpty()) {
                out.add("no reader: writers will block (" + who(openingWriters) + " waiting in open)");
            }
            if (writer) {
                out.add("no reader: writers get EPIPE (or die of SIGPIPE) on their next write ("
                        + whoHolds(holders.stream().filter(h -> h.mode().writes()).toList()) + ")");
            }
        }
        if (!writer) {
            if (!openingReaders.isEmpty()) {
                out.add("no writer: readers will block (" + who(openingReaders) + " waiting in open)");
            }
            if (reader) {
                out.add("no writer: readers get end of file");
            }
        }
        for (Holder h : holders) {
            if (h.state() == HolderState.BLOCKED_WRITE) {
                out.add("pipe is full: pid " + h.pid() + " (" + h.command()
                        + ") is blocked writing until a reader reads");
            }
        }
        if (r.unlinked()) {
            out.add("it has been unlinked: only the processes holding it can still reach it"
                    + " (through /proc/<pid>/fd/<fd>)");
        }
        for (Opener o : r.unknownOpeners()) {
            String whom = "pid " + o.pid() + " (" + o.command() + ")";
            if (o.path() == null) {
                out.add(whom + " is blocked opening a FIFO; which one is unknown (no permission to read its memory)");
            } else {
                out.add(whom + " is blocked opening " + o.path()
                        + ", which could not be resolved (renamed, unlinked or not accessible; it may be this FIFO)");
            }
        }
        if (r.partial()) {
            String count = "partial: " + r.unreadableProcesses() + " process"
                    + (r.unreadableProcesses() == 1 ? "" : "es") + " could not be inspected";
            out.add(dev.fifokit.internal.linux.FifoPaths.geteuid() == 0
                    // root in a container (a user namespace) or under a security module still is refused
                    ? count + " even as root (they belong to another user namespace, e.g. outside this "
                            + "container, or a security policy hides them); run on the host to see every holder"
                    : count + " (permission denied); run as root to see every holder");
        }
        return List.copyOf(out);
    }

    private static String who(List<Opener> openers) {
        List<String> names = new ArrayList<>();
        for (Opener o : openers) {
            names.add(o.pid() + " (" + o.command() + ")");
        }
        return (names.size() == 1 ? "pid " : "pids ") + String.join(", ", names) + (names.size() == 1 ? " is" : " are");
    }

    private static String whoHolds(List<Holder> holders) {
        List<String> names = new ArrayList<>();
        for (Holder h : holders) {
            String n = h.pid() + " (" + h.command() + ")";
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return (names.size() == 1 ? "pid " : "pids ") + String.join(", ", names);
    }
}
