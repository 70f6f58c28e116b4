package io.bolometer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    @Test
    void acceptsTextJsonAndNothingSet() {
        assertThat(LogFormat.problem(Map.of("LOG_FORMAT", "text"))).isEmpty();
        assertThat(LogFormat.problem(Map.of("LOG_FORMAT", "json"))).isEmpty();
        assertThat(LogFormat.problem(Map.of())).isEmpty();
    }

    @Test
    void namesAnyOtherValueCutToFortyCharacters() {
        assertThat(LogFormat.problem(Map.of("LOG_FORMAT", "JSON"))).contains("LOG_FORMAT must be text or json, was 'JSON'");
        assertThat(LogFormat.problem(Map.of("LOG_FORMAT", "x".repeat(50))))
                .contains("LOG_FORMAT must be text or json, was '" + "x".repeat(40) + "'");
    }
}
