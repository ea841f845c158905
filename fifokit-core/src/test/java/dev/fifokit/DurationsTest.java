package dev.fifokit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @Test
    void oneUnitAsPeopleWriteIt() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse(" 7 ")).as("a bare number: seconds").isEqualTo(Duration.ofSeconds(7));
        assertThat(Durations.parse("10MS")).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void compoundDurationsNameTheirUnitsFromTheLargestDown() {
        assertThat(Durations.parse("2m30s")).isEqualTo(Duration.ofSeconds(150));
        assertThat(Durations.parse("1h15m")).isEqualTo(Duration.ofMinutes(75));
        assertThat(Durations.parse("1h2m3s4ms")).isEqualTo(Duration.ofMillis(3_723_004));
        assertThat(Durations.parse("1s500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("1h30s")).as("a unit may be skipped").isEqualTo(Duration.ofSeconds(3630));
    }

    @Test
    void anythingElseIsRefusedNamingTheText() {
        for (String bad : new String[] {"", "soon", "s", "5x", "30s2m", "2m2m", "2m30", "1h 5m", "-5s", "5s-", "1e3s",
                "..5s", "ms"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a duration: '" + bad + "' (use e.g. 500ms, 5s, 2m, 2m30s)");
        }
    }

    @Test
    void formatGivesWhatParseReads() {
        for (Duration d : new Duration[] {Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofMillis(1500)}) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }
}
