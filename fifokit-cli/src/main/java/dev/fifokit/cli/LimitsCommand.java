package dev.fifokit.cli;

import dev.fifokit.Limits;
import dev.fifokit.diagnostics.FifoHolders;
import dev.fifokit.diagnostics.WhoReport;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code fifokit limits}: PIPE_BUF, OPEN_MAX, capacities, page size; with a PATH, what can be
 * known about that FIFO without opening it.
 */
final class LimitsCommand implements Callable<Integer> {
    boolean json;
    boolean dereference;
    Path path;

    /** The model of a new {@code limits} (built in code: see {@link Models}). */
    static CommandSpec spec() {
        LimitsCommand c = new LimitsCommand();
        CommandSpec spec = Models.command(c, "limits",
                new String[] {"Print the limits that shape pipes: PIPE_BUF, OPEN_MAX, the default and maximum pipe "
                        + "capacity, the page size.",
                        "With PATH, also that FIFO's mode, owner and PIPE_BUF, and its capacity if it is open now. "
                                + "A FIFO has a capacity only while it is open (its buffer is made at the first open "
                                + "and freed at the last close); limits never opens it, so a writer or reader waiting "
                                + "in open stays waiting and no byte is read. The capacity is measured on a "
                                + "descriptor a holder already has (this needs permission to trace that process)."},
                new String[] {"", "--json keys: pipe_buf, open_max, default_capacity, max_capacity, page_size; with PATH "
                        + "also mode, uid, gid, capacity (a number, or null when not open or not measurable) and "
                        + "capacity_state (open, not-open or unknown)."});
        spec.addOption(Models.flag(v -> c.json = v, "Print one JSON object.", "--json"));
        spec.addOption(Models.flag(v -> c.dereference = v,
                "Follow a symbolic link at PATH (/dev/fd/N and /proc/PID/fd/N always are).", "-L", "--dereference"));
        spec.addPositional(Models.positional(0, Path.class, v -> c.path = v, "PATH", "A FIFO to ask about.")
                .arity("0..1").build());
        return Models.withHelp(spec);
    }

    @Override
    public Integer call() throws IOException {
        Limits limits = Limits.read();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("pipe_buf", limits.pipeBuf());
        values.put("open_max", limits.openMax());
        values.put("default_capacity", limits.defaultCapacity());
        values.put("max_capacity", limits.maxCapacity());
        values.put("page_size", limits.pageSize());
        String note = null;
        if (path != null) {
            boolean follow = PathArgs.follow(path, dereference);
            // the scan checks the type (a FIFO, not a symlink unless followed) without opening it
            WhoReport report = FifoHolders.of(path, follow);
            LinkOption[] how = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
            Map<String, Object> attrs = Files.readAttributes(path, "unix:mode,uid,gid", how);
            values.put("pipe_buf", Limits.pipeBuf(path));
            values.put("mode", String.format("%04o", ((Number) attrs.get("mode")).intValue() & 07777));
            values.put("uid", ((Number) attrs.get("uid")).longValue());
            values.put("gid", ((Number) attrs.get("gid")).longValue());
            OptionalLong capacity = FifoHolders.capacity(report);
            String state;
            if (capacity.isPresent()) {
                state = "open";
                note = "measured on a descriptor a holder has; the FIFO was not opened";
            } else if (report.holders().isEmpty() && !report.partial()) {
                state = "not-open";
                note = "nobody has it open, so it has no buffer now; the next open makes one of "
                        + "default_capacity bytes";
            } else {
                state = "unknown";
                note = report.holders().isEmpty()
                        ? "no holder found, but " + report.unreadableProcesses()
                                + " processes could not be inspected (run as their user or root)"
                        : "it is open, but no holder's descriptor may be borrowed (run as its user or root)";
            }
            values.put("capacity", capacity.isPresent() ? capacity.getAsLong() : null);
            values.put("capacity_state", state);
            int waiting = report.opening().size();
            if (waiting > 0) {
                note += "; " + waiting + (waiting == 1 ? " process is" : " processes are")
                        + " waiting in open() for the other end and still waits";
            }
        }
        System.out.print(json ? json(values) : text(values, note));
        return ExitCodes.OK;
    }

    private static String json(Map<String, Object> values) {
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (var e : values.entrySet()) {
            out.append(first ? "" : ",").append('"').append(e.getKey()).append("\":");
            Object v = e.getValue();
            out.append(v instanceof String s ? "\"" + s + "\"" : String.valueOf(v));
            first = false;
        }
        return out.append("}\n").toString();
    }

    private static String text(Map<String, Object> values, String note) {
        StringBuilder out = new StringBuilder();
        for (var e : values.entrySet()) {
            if (e.getKey().equals("capacity_state")) {
                continue;
            }
            Object v = e.getValue();
            String shown;
            if (v == null) {
                shown = "none (" + values.get("capacity_state") + ")";
            } else if (v instanceof Long n && n >= 1024 && !e.getKey().equals("open_max")
                    && !e.getKey().endsWith("id")) {
                shown = n + "  (" + Progress.human(n) + ")";
            } else {
                shown = String.valueOf(v);
            }
            out.append(e.getKey()).append(" ".repeat(18 - e.getKey().length())).append(shown)
                    .append(System.lineSeparator());
        }
        if (note != null) {
            out.append(" ".repeat(18)).append(note).append(System.lineSeparator());
        }
        return out.toString();
    }
}
