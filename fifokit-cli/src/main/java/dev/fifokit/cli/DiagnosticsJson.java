package dev.fifokit.cli;

import dev.fifokit.diagnostics.Holder;
import dev.fifokit.diagnostics.Opener;
import dev.fifokit.diagnostics.ProcessStatus;
import dev.fifokit.diagnostics.WhoReport;

import java.util.List;

/** The JSON of {@code who --json} and {@code status --json}, written by hand. */
final class DiagnosticsJson {
    private DiagnosticsJson() {}

    /** {@code {"path","device","inode","holders":[...],"opening":[...],"diagnosis":[...]}}. */
    static String who(WhoReport r) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"path\":").append(string(r.path().toString()))
                .append(",\"device\":").append(string(r.deviceName()))
                .append(",\"inode\":").append(Long.toUnsignedString(r.inode()))
                .append(",\"holders\":[");
        List<Holder> holders = r.holders();
        for (int i = 0; i < holders.size(); i++) {
            Holder h = holders.get(i);
            b.append(i == 0 ? "" : ",")
                    .append("{\"pid\":").append(h.pid())
                    .append(",\"command\":").append(string(h.command()))
                    .append(",\"fd\":").append(h.fd())
                    .append(",\"mode\":").append(string(h.mode().word()))
                    .append(",\"state\":").append(string(h.state().word()))
                    .append('}');
        }
        b.append("],\"opening\":[");
        List<Opener> opening = r.opening();
        for (int i = 0; i < opening.size(); i++) {
            Opener o = opening.get(i);
            b.append(i == 0 ? "" : ",")
                    .append("{\"pid\":").append(o.pid())
                    .append(",\"command\":").append(string(o.command()))
                    .append(",\"mode\":").append(string(o.mode().word()))
                    .append(",\"state\":").append(string(o.state().word()))
                    .append('}');
        }
        b.append("],\"diagnosis\":[");
        List<String> diagnosis = r.diagnosis();
        for (int i = 0; i < diagnosis.size(); i++) {
            b.append(i == 0 ? "" : ",").append(string(diagnosis.get(i)));
        }
        return b.append("]}").toString();
    }

    /** The status fields in snake_case, plus {@code pid} and {@code wchan}. */
    static String status(ProcessStatus s) {
        return "{\"pid\":" + s.pid()
                + ",\"name\":" + string(s.name())
                + ",\"state\":" + string(s.state())
                + ",\"ppid\":" + s.ppid()
                + ",\"uid\":" + s.uid()
                + ",\"threads\":" + s.threads()
                + ",\"vm_rss\":" + (s.vmRssKib() < 0 ? "null" : Long.toString(s.vmRssKib()))
                + ",\"voluntary_ctxt_switches\":" + s.voluntaryContextSwitches()
                + ",\"nonvoluntary_ctxt_switches\":" + s.involuntaryContextSwitches()
                + ",\"wchan\":" + string(s.wchan())
                + "}";
    }

    /**
     * A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped, and
     * every non-ASCII character as a unicode escape (a surrogate pair as two escapes).
     */
    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        // ASCII only: the output survives any locale (a POSIX locale would print '?')
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
