package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EchoTest {

    @Test
    void quotesShortValuesAsTheyAre() {
        assertThat(Echo.quote("us-east-1")).isEqualTo("\"us-east-1\"");
        assertThat(Echo.quote("x".repeat(64))).isEqualTo("\"" + "x".repeat(64) + "\"");
    }

    @Test
    void cutsLongValuesAndSaysHowLongTheyWere() {
        String echoed = Echo.quote("b".repeat(1_048_576));

        assertThat(echoed).isEqualTo("\"" + "b".repeat(64) + "…\" (1048576 characters)").hasSizeLessThan(100);
    }

    @Test
    void escapesControlCharactersSoNoValueStartsANewLogLine() {
        assertThat(Echo.quote("a\nINFO forged\r\u0000")).isEqualTo("\"a\\u000aINFO forged\\u000d\\u0000\"");
    }
}
