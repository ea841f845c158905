package dev.fifokit.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DiagnosticsJsonTest {
    @Test
    void escapesEverythingJsonRequiresAndStaysAscii() {
        String nasty = "a\"b\\c\nd\te\u0001f\u007fé\uD83D\uDE00/";
        String json = DiagnosticsJson.string(nasty);
        assertThat(json).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007f\\u00e9\\ud83d\\ude00/\"");
        assertThat(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
        assertThat(MiniJson.parse(json)).isEqualTo(nasty);
    }
}
