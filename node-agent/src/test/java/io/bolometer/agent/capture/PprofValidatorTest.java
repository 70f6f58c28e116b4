package io.bolometer.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.capture.PprofValidator.Invalid;
import io.bolometer.agent.capture.PprofValidator.Result;
import io.bolometer.agent.capture.PprofValidator.Valid;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.agent.testing.PprofBodies.Proto;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PprofValidatorTest {

    private final PprofValidator validator = new PprofValidator();

    @Test
    void acceptsAGzippedProfileAndCountsItsSampleTypesAndSamples() throws IOException {
        byte[] body = PprofBodies.cpuProfile(3);

        Result result = validate(validator, body);

        assertThat(result).isEqualTo(new Valid(2, 3, PprofBodies.cpuProfileMessage(3).length));
    }

    @Test
    void acceptsAnEmptyMutexProfileBecauseZeroSamplesIsNotAnError() throws IOException {
        Result result = validate(validator, PprofBodies.emptyMutexProfile());

        assertThat(result).isInstanceOfSatisfying(Valid.class, valid -> {
            assertThat(valid.sampleTypes()).isEqualTo(2);
            assertThat(valid.samples()).isZero();
        });
    }

    @Test
    void acceptsARealGoroutineProfileWrittenByGo() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/pprof/real-goroutine.pprof")) {
            assertThat(in).as("fixture").isNotNull();

            assertThat(validator.validate(in)).isInstanceOfSatisfying(Valid.class, valid -> {
                assertThat(valid.sampleTypes()).isEqualTo(1);
                assertThat(valid.samples()).isPositive();
            });
        }
    }

    @Test
    void rejectsAZeroLengthBody() throws IOException {
        assertThat(validate(validator, new byte[0])).isEqualTo(new Invalid("empty body"));
    }

    @Test
    void rejectsAnUngzippedProtobufAsNotGzip() throws IOException {
        assertThat(validate(validator, PprofBodies.cpuProfileMessage(1))).isEqualTo(new Invalid("not gzip"));
    }

    @Test
    void rejectsAnHtmlPageAsNotGzip() throws IOException {
        byte[] html = "<!DOCTYPE html><html><body>404 page not found</body></html>".getBytes(StandardCharsets.UTF_8);

        assertThat(validate(validator, html)).isEqualTo(new Invalid("not gzip"));
    }

    @Test
    void rejectsAProfileCutOffMidStreamAsTruncatedGzip() throws IOException {
        byte[] body = PprofBodies.cpuProfile(50);
        byte[] cut = Arrays.copyOf(body, body.length / 2);

        assertThat(validate(validator, cut)).isEqualTo(new Invalid("truncated gzip"));
    }

    @Test
    void rejectsAProfileMissingOnlyItsGzipTrailerAsTruncatedGzip() throws IOException {
        byte[] body = PprofBodies.cpuProfile(1);
        byte[] cut = Arrays.copyOf(body, body.length - 4);

        assertThat(validate(validator, cut)).isEqualTo(new Invalid("truncated gzip"));
    }

    @Test
    void rejectsBytesAfterTheGzipMemberAsGoDoes() throws IOException {
        byte[] body = PprofBodies.cpuProfile(3);

        assertThat(validate(validator, concat(body, "<html>oops</html>".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(new Invalid("corrupt gzip: bytes after the gzip member"));
        assertThat(validate(validator, concat(body, new byte[8])))
                .isEqualTo(new Invalid("corrupt gzip: bytes after the gzip member"));
    }

    @Test
    void acceptsAProfileSplitOverTwoGzipMembersAsGoDoes() throws IOException {
        byte[] message = PprofBodies.cpuProfileMessage(4);
        int half = message.length / 2;
        byte[] twoMembers = concat(PprofBodies.gzip(Arrays.copyOf(message, half)),
                PprofBodies.gzip(Arrays.copyOfRange(message, half, message.length)));

        assertThat(validate(validator, twoMembers)).isEqualTo(new Valid(2, 4, message.length));
    }

    @Test
    void acceptsAGzipHeaderWithAFileNameAndComment() throws IOException {
        byte[] plain = PprofBodies.cpuProfile(2);
        byte[] named = concat(Arrays.copyOf(plain, 10), "profile.pb\0made by a test\0".getBytes(StandardCharsets.US_ASCII),
                Arrays.copyOfRange(plain, 10, plain.length));
        named[3] = 8 | 16; // FNAME | FCOMMENT

        assertThat(validate(validator, named)).isEqualTo(new Valid(2, 2, PprofBodies.cpuProfileMessage(2).length));
    }

    @Test
    void rejectsAMemberWhoseCrcOrLengthDoesNotMatch() throws IOException {
        byte[] badCrc = PprofBodies.cpuProfile(3);
        badCrc[badCrc.length - 8] ^= 1;
        byte[] badLength = PprofBodies.cpuProfile(3);
        badLength[badLength.length - 4] ^= 1;

        assertThat(validate(validator, badCrc)).isEqualTo(new Invalid("corrupt gzip: gzip CRC-32 mismatch"));
        assertThat(validate(validator, badLength)).isEqualTo(new Invalid("corrupt gzip: gzip length mismatch"));
    }

    @Test
    void acceptsEveryRealGoProfileFixture() throws IOException {
        for (String name : new String[] {"real-goroutine.pprof", "allocs.pprof", "block.pprof", "cpu.pprof", "cpu-reencoded.pprof",
            "goroutine.pprof", "heap.pprof", "mutex.pprof"}) {
            try (InputStream in = getClass().getResourceAsStream("/fixtures/pprof/" + name)) {
                assertThat(in).as(name).isNotNull();
                assertThat(validator.validate(in)).as(name).isInstanceOf(Valid.class);
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @Test
    void stopsAGzipBombAtTheDecompressedSizeCap() throws IOException {
        byte[] wellFormedButHuge = new Proto().message(1, new Proto().varint(1, 0).varint(2, 0))
                .bytes(6, new byte[0]).bytes(6, new byte[1024 * 1024]).bytes();
        byte[] bomb = PprofBodies.gzip(wellFormedButHuge);
        PprofValidator small = new PprofValidator(64 * 1024);

        assertThat(bomb.length).isLessThan(2 * 1024);
        assertThat(validate(small, bomb)).isEqualTo(new Invalid("decompressed size exceeds 64 KiB"));
    }

    @Test
    void namesTheDefaultCapInMebibytes() {
        assertThat(PprofValidator.humanBytes(PprofValidator.DEFAULT_MAX_DECOMPRESSED_BYTES)).isEqualTo("256 MiB");
    }

    @Test
    void rejectsValidGzipOfJsonAsNotAProfile() throws IOException {
        byte[] json = PprofBodies.gzip("{\"error\":\"profiling disabled\"}");

        assertThat(validate(validator, json)).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).startsWith("not a pprof profile: "));
    }

    @Test
    void rejectsGzippedRandomBytesAsNotAProfile() throws IOException {
        byte[] garbage = new byte[4096];
        new java.util.Random(42).nextBytes(garbage);

        assertThat(validate(validator, PprofBodies.gzip(garbage))).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).startsWith("not a pprof profile: "));
    }

    @Test
    void rejectsAnEmptyProtobufBecauseItHasNoSampleType() throws IOException {
        assertThat(validate(validator, PprofBodies.gzip(new byte[0])))
                .isEqualTo(new Invalid("not a pprof profile: no sample_type"));
    }

    @Test
    void rejectsAStringTableThatDoesNotStartWithTheEmptyString() throws IOException {
        byte[] message = new Proto().message(1, new Proto().varint(1, 0).varint(2, 1))
                .bytes(6, "cpu".getBytes(StandardCharsets.UTF_8)).bytes(6, new byte[0]).bytes();

        assertThat(validate(validator, PprofBodies.gzip(message)))
                .isEqualTo(new Invalid("not a pprof profile: string_table[0] is not the empty string"));
    }

    @Test
    void rejectsAKnownFieldWithTheWrongWireType() throws IOException {
        byte[] message = new Proto().varint(1, 7).bytes();

        assertThat(validate(validator, PprofBodies.gzip(message))).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).contains("field 1 has wire type 0, expected length-delimited"));
    }

    @Test
    void rejectsAFieldNumberProfileDoesNotDefine() throws IOException {
        byte[] message = new Proto().varint(16, 1).bytes();

        assertThat(validate(validator, PprofBodies.gzip(message))).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).startsWith("not a pprof profile: unknown Profile field 16"));
    }

    @Test
    void rejectsALengthThatRunsPastTheEndOfTheBody() throws IOException {
        byte[] message = new Proto().message(1, new Proto().varint(1, 0)).raw((byte) 0x2a, (byte) 0x7f).bytes();

        assertThat(validate(validator, PprofBodies.gzip(message))).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).startsWith("not a pprof profile: truncated message"));
    }

    @Test
    void rejectsANestedMessageWhoseFieldOverrunsIt() throws IOException {
        byte[] brokenSample = {0x12, 0x05, 0x01, 0x02};
        byte[] message = new Proto().bytes(2, brokenSample).bytes();

        assertThat(validate(validator, PprofBodies.gzip(message))).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).contains("runs past the end of its enclosing message"));
    }

    @Test
    void rejectsASampleWhoseValueCountDiffersFromTheSampleTypes() throws IOException {
        byte[] message = new Proto().message(1, new Proto().varint(1, 0).varint(2, 0))
                .message(2, new Proto().packed(2, 1, 2, 3)).bytes(6, new byte[0]).bytes();

        assertThat(validate(validator, PprofBodies.gzip(message)))
                .isEqualTo(new Invalid("not a pprof profile: a sample has 3 values for 1 sample types"));
    }

    private static Result validate(PprofValidator validator, byte[] body) throws IOException {
        return validator.validate(new ByteArrayInputStream(body));
    }
}
