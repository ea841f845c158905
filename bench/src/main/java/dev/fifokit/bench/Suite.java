package dev.fifokit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs workloads round by round: in every round each workload runs each contender once under
 * each placement, Java and its baselines back to back, in alternating order (so a slow phase
 * of a noisy machine hits both sides). The report takes medians over rounds.
 */
public final class Suite {
    private Suite() {}

    /** Identifies one series of samples. */
    public record Key(String workload, String placement, String contender) {}

    public static Report run(List<Workload> workloads, Env env, Settings s, List<Placement> placements,
                             PrintStream log) throws InterruptedException {
        Map<Key, List<Sample>> samples = new LinkedHashMap<>();
        Map<Key, String> failures = new LinkedHashMap<>();
        String loadBefore = Machine.loadAverage();
        long t0 = System.nanoTime();
        for (int round = 0; round < s.rounds(); round++) {
            for (Workload w : workloads) {
                if (w.maxRounds() > 0 && round >= w.maxRounds()) {
                    continue;
                }
                for (Placement p : placementsFor(w, placements)) {
                    List<Contender> order = new ArrayList<>(w.contenders());
                    if (round % 2 == 1) {
                        order = order.reversed();
                    }
                    for (Contender c : order) {
                        Key key = new Key(w.id(), p.name(), c.name());
                        samples.computeIfAbsent(key, k -> new ArrayList<>());
                        try {
                            Sample sample = c.runner().run(env, s, p);
                            samples.get(key).add(sample);
                            log.printf("bench: round %d/%d %-15s %-8s %-15s %s%n", round + 1, s.rounds(), w.id(),
                                    p.name(), c.name(), headline(w, sample));
                        } catch (InterruptedException e) {
                            throw e;
                        } catch (BenchFailure | IOException | RuntimeException e) {
                            samples.get(key).add(null); // keeps every series aligned by round
                            failures.put(key, String.valueOf(e.getMessage()));
                            log.printf("bench: round %d/%d %-15s %-8s %-15s FAILED: %s%n", round + 1, s.rounds(),
                                    w.id(), p.name(), c.name(), e.getMessage());
                        } catch (Exception e) {
                            samples.get(key).add(null);
                            failures.put(key, e.toString());
                            log.printf("bench: %s %s FAILED: %s%n", w.id(), c.name(), e);
                        }
                    }
                }
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return new Report(workloads, placements, s, env.notes(), samples, failures, elapsed, loadBefore,
                Machine.loadAverage());
    }

    static List<Placement> placementsFor(Workload w, List<Placement> placements) {
        return switch (w.pinning()) {
            case ANY -> placements;
            case CROSS_ONLY -> placements.stream().filter(p -> p.first() != p.second()).toList();
            case ONE_CPU -> List.of(placements.getFirst().first() < 0 ? Placement.none() : new Placement("cpu0", 0, 0));
            case NONE -> List.of(Placement.none());
        };
    }

    private static String headline(Workload w, Sample s) {
        if (w.metrics().isEmpty()) {
            return "";
        }
        Metric m = w.metrics().getFirst();
        return Report.number(s.get(m.key()) * m.scale()) + " " + m.unit();
    }
}
