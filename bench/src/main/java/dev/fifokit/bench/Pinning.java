package dev.fifokit.bench;

/** Which of the suite's CPU placements a workload runs under. */
public enum Pinning {
    /** Every placement asked for (cross, same). */
    ANY,
    /** Only across two CPUs (busy-waiting on one CPU would measure the scheduler's time slice). */
    CROSS_ONLY,
    /** One process on one CPU (CPU 0), run once whatever the placements. */
    ONE_CPU,
    /** Not pinned: the workload measures whole processes that use every CPU (start-up). */
    NONE
}
