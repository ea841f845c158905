package dev.fifokit.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ratio is paired by round; a failed round (a null sample) pairs with nothing. */
class ReportRatioTest {
    private static final Metric MS = Metric.millis(1.25);

    private static List<Sample> series(Double... ms) {
        List<Sample> out = new ArrayList<>();
        for (Double v : ms) {
            out.add(v == null ? null : Sample.of("ms", v));
        }
        return out;
    }

    @Test
    void roundsArePairedSoARegimeChangeBetweenRoundsCancelsOut() {
        // the round trips measured on this machine: both sides ~80 or ~300 µs depending on the round
        List<Sample> java = series(304.0, 80.2, 300.0, 302.0, 80.3);
        List<Sample> c = series(81.4, 76.2, 289.0, 286.0, 72.2);
        double[] r = Report.roundRatios(java, c, MS);
        assertThat(r).hasSize(5);
        assertThat(Report.median(r)).isBetween(1.05, 1.06);
        // whereas the ratio of the medians (300 / 81.4) compares Java's slow regime with C's fast one
    }

    @Test
    void aRoundThatFailedOnEitherSideIsLeftOut() {
        List<Sample> java = series(10.0, null, 30.0, 40.0);
        List<Sample> c = series(5.0, 10.0, null, 20.0);
        assertThat(Report.roundRatios(java, c, MS)).containsExactly(2.0, 2.0);
        assertThat(Arrays.stream(Report.roundRatios(series(), c, MS)).count()).isZero();
    }

    @Test
    void aSampleWithoutTheMetricIsLeftOut() {
        List<Sample> java = new ArrayList<>(series(10.0, 12.0));
        java.set(1, Sample.of("other", 1));
        assertThat(Report.roundRatios(java, series(5.0, 6.0), MS)).containsExactly(2.0);
    }

    @Test
    void eachRowCountsTheRoundsInWhichItsTargetHeld() {
        // lower is better, target <= 1.25: rounds 1, 3 and 5 hold, 2 and 4 do not
        double[] ratios = Report.roundRatios(series(1.0, 3.0, 1.2, 2.6, 1.25), series(1.0, 2.0, 1.0, 2.0, 1.0), MS);
        assertThat(Report.held(MS, ratios)).isEqualTo(3);
        Metric rate = Metric.throughput(1.5); // higher is better
        assertThat(Report.held(rate, new double[] {1.5, 1.49, 2.0, Double.NaN})).isEqualTo(2);
        assertThat(Report.held(Metric.throughput(Double.NaN), new double[] {9.0})).isZero();
        var row = new Report.Row(null, "", MS, 1, "c", 1, 1, 1, true, 0, 5, 3, 5);
        assertThat(row.heldText()).isEqualTo("3/5");
        assertThat(new Report.Row(null, "", MS, 1, "c", 1, 1, 1, null, 0, 5, 0, 0).heldText()).isEmpty();
    }
}
