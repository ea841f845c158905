package dev.fifokit.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the two sides of a workload run: {@code taskset -c first} for the writer (or server)
 * and {@code taskset -c second} for the reader (or client). Java and C always run under the
 * same placement, because results on a small VM are bimodal with scheduler placement.
 *
 * @param name   "cross" (two vCPUs) or "same" (one vCPU)
 * @param first  the CPU of the writing side, or -1 for no pinning
 * @param second the CPU of the reading side, or -1 for no pinning
 */
public record Placement(String name, int first, int second) {

    /** Writer on CPU 0, reader on CPU 1: every hand-off is a cross-vCPU wake-up. */
    public static Placement cross() {
        return new Placement("cross", 0, 1);
    }

    /** Both sides on CPU 0: hand-offs are context switches, no cross-vCPU wake-up. */
    public static Placement same() {
        return new Placement("same", 0, 0);
    }

    /** No pinning: the machine has one CPU or no taskset. */
    public static Placement none() {
        return new Placement("unpinned", -1, -1);
    }

    /** {@code cmd} prefixed with {@code taskset -c cpu} (unchanged when {@code cpu} is -1). */
    public static List<String> pin(int cpu, List<String> cmd) {
        if (cpu < 0) {
            return cmd;
        }
        List<String> out = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
        out.addAll(cmd);
        return out;
    }

    /** The same as {@link #pin(int, List)}, as a shell word list. */
    public static String shellPin(int cpu) {
        return cpu < 0 ? "" : "taskset -c " + cpu + " ";
    }
}
