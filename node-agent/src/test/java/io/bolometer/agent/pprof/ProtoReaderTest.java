package io.bolometer.agent.pprof;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtoReaderTest {

    @Test
    void cutsALongNameOnlyAtACharacterBoundary() {
        byte[] name = "ab\u00e9\u20ac".getBytes(StandardCharsets.UTF_8); // 1 + 1 + 2 + 3 bytes

        assertThat(ProtoReader.wholeCharacters(java.util.Arrays.copyOf(name, 7))).isEqualTo(7);
        assertThat(ProtoReader.wholeCharacters(java.util.Arrays.copyOf(name, 6))).isEqualTo(4);
        assertThat(ProtoReader.wholeCharacters(java.util.Arrays.copyOf(name, 5))).isEqualTo(4);
        assertThat(ProtoReader.wholeCharacters(java.util.Arrays.copyOf(name, 3))).isEqualTo(2);
    }
}
