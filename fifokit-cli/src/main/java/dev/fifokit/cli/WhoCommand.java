package dev.fifokit.cli;

import dev.fifokit.diagnostics.FifoHolders;
import dev.fifokit.diagnostics.Holder;
import dev.fifokit.diagnostics.Opener;
import dev.fifokit.diagnostics.WhoReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fifokit who}: who holds a FIFO and who is blocked opening it. */
@Command(name = "who", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Show who has a FIFO open and who is blocked opening it.",
                "Processes are matched by device and inode through /proc/*/fd, so a renamed FIFO is found "
                        + "too; then one line per problem this shows. Never opens the FIFO.",
                "",
                "Columns: PID, COMMAND (its command line, a JVM's options left out; --json gives the "
                        + "name), FD ('-' while still opening), MODE, STATE.",
                "MODE:  read | write | read-write (from the flags in /proc/PID/fdinfo/FD).",
                "STATE: blocked-read   waiting in read on this FIFO (it is empty)",
                "       blocked-write  waiting in write on this FIFO (it is full)",
                "       blocked-open   waiting in open for the other side (wait_for_partner)",
                "       running | sleeping | disk-sleep | stopped | zombie | other",
                "                      not waiting on this FIFO",
                "",
                "--json prints one object: {\"path\",\"device\",\"inode\",",
                "  \"holders\":[{\"pid\",\"command\",\"fd\",\"mode\",\"state\"}],",
                "  \"opening\":[{\"pid\",\"command\",\"mode\",\"state\"}],\"diagnosis\":[...]}",
                "with the same words; device is \"MAJOR:MINOR\" (stat -c %%Hd:%%Ld).",
                "",
                "Without root, other users' processes cannot be inspected and the diagnosis",
                "says the report is partial. Name an unlinked FIFO as /proc/PID/fd/N."},
        footer = {"", "Exit codes: 0 ok (whatever the diagnosis); 1 no such path, not a FIFO, or a "
                + "symlink without -L."})
final class WhoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = {"-L", "--dereference"}, description = "Follow a symbolic link at PATH (/dev/fd/N and /proc/PID/fd/N always are).")
    boolean dereference;

    @Parameters(index = "0", paramLabel = "PATH", description = "The FIFO.")
    Path path;

    @Override
    public Integer call() throws IOException {
        WhoReport report = FifoHolders.of(path, PathArgs.follow(path, dereference));
        System.out.print(json ? DiagnosticsJson.who(report) + "\n" : table(report));
        return ExitCodes.OK;
    }

    static String table(WhoReport r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PID", "COMMAND", "FD", "MODE", "STATE"});
        for (Holder h : r.holders()) {
            rows.add(new String[] {Long.toString(h.pid()), CommandLines.of(h.pid(), h.command()), Integer.toString(h.fd()),
                    h.mode().word(), h.state().word()});
        }
        for (Opener o : r.opening()) {
            rows.add(new String[] {Long.toString(o.pid()), CommandLines.of(o.pid(), o.command()), "-",
                    o.mode() == null ? "?" : o.mode().word(), o.state().word()});
        }
        int[] width = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : "  ");
                line.append(i == row.length - 1 ? row[i] : pad(row[i], width[i]));
            }
            b.append(line).append('\n');
        }
        for (String d : r.diagnosis()) {
            b.append(d).append('\n');
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
