package dev.fifokit.cli;

import dev.fifokit.Limits;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.OpenOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fifokit limits}: PIPE_BUF, OPEN_MAX, capacities, page size (SPEC §4, §12). */
@Command(name = "limits", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Print the limits that shape pipes: PIPE_BUF, OPEN_MAX, the default and",
                "maximum pipe capacity, the page size; with PATH, that FIFO's PIPE_BUF and capacity.",
                "Asking a FIFO's capacity opens it for reading for an instant."})
final class LimitsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "A FIFO to ask about.")
    Path path;

    @Override
    public Integer call() throws IOException {
        Limits limits = Limits.read();
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("pipe_buf", path != null ? Limits.pipeBuf(path) : limits.pipeBuf());
        values.put("open_max", limits.openMax());
        values.put("default_capacity", limits.defaultCapacity());
        values.put("max_capacity", limits.maxCapacity());
        values.put("page_size", limits.pageSize());
        if (path != null) {
            try (FifoReader r = FifoReader.open(path, OpenOptions.defaults().awaitWriter(false))) {
                values.put("capacity", (long) r.capacity());
            }
        }
        StringBuilder out = new StringBuilder();
        if (json) {
            out.append('{');
            boolean first = true;
            for (var e : values.entrySet()) {
                out.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
                first = false;
            }
            out.append("}\n");
        } else {
            for (var e : values.entrySet()) {
                long v = e.getValue();
                String human = v >= 1024 && !e.getKey().equals("open_max") ? "  (" + Progress.human(v) + ")" : "";
                out.append(e.getKey()).append(" ".repeat(18 - e.getKey().length())).append(v).append(human)
                        .append(System.lineSeparator());
            }
        }
        System.out.print(out);
        return ExitCodes.OK;
    }
}
