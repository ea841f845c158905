package dev.fifokit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The workloads the suite knows. Each group registers itself in one line here; a new group
 * (the message codecs, the server) is one class with a {@code register(Registry, Env)} method
 * and one line in {@code standard(Env)}.
 */
public final class Registry {
    private final List<Workload> workloads = new ArrayList<>();

    public Registry add(Workload w) {
        for (Workload existing : workloads) {
            if (existing.id().equals(w.id())) {
                throw new IllegalArgumentException("two workloads named " + w.id());
            }
        }
        workloads.add(w);
        return this;
    }

    /** Every workload of the suite (BENCHMARKS.md), in report order ({@link Settings#brief()}: a few fewer). */
    public static Registry standard(Env env, Settings settings) {
        Registry r = new Registry();
        CallWorkloads.register(r, env, settings);
        StreamWorkloads.register(r, env, settings);
        MessageWorkloads.register(r, env);
        LatencyWorkloads.register(r, env);
        ServerWorkloads.register(r, env, settings);
        CliWorkloads.register(r, env);
        BridgeWorkloads.register(r, env);
        StartupWorkload.register(r, env);
        IdleReadersWorkload.register(r, env);
        return r;
    }

    /** The workloads whose id matches {@code regex} (all when null). */
    public List<Workload> select(String regex) {
        if (regex == null) {
            return List.copyOf(workloads);
        }
        Pattern p = Pattern.compile(regex);
        return workloads.stream().filter(w -> p.matcher(w.id()).find()).toList();
    }

    public List<Workload> all() {
        return List.copyOf(workloads);
    }
}
