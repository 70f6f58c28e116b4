package io.bolometer.agent.pprof;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Walks the protobuf wire format of a {@code perftools.profiles.Profile} as a stream (through {@link ProtoReader}),
 * checking that every field is well-formed and that the profile has the parts every pprof reader relies on.
 */
public final class ProfileWireWalker {

    /** What a valid profile holds, in counts. */
    public record Summary(int sampleTypes, long samples) {
    }

    private final ProtoReader r;
    private int sampleTypes;
    private long samples;
    private long strings;
    private long maxStringIndex = -1;
    private final Set<Integer> valueCounts = new HashSet<>();

    /** A walker over {@code in}; the caller caps how much {@code in} yields. */
    public ProfileWireWalker(InputStream in) {
        this.r = new ProtoReader(in, Long.MAX_VALUE);
    }

    /** @throws ProtoReader.Malformed when the bytes break the wire format or the Profile schema */
    public Summary walk() throws IOException {
        while (!r.atEnd()) {
            topLevelField(r.tag(Long.MAX_VALUE));
        }
        if (sampleTypes == 0) {
            throw new ProtoReader.Malformed("no sample_type");
        }
        if (strings == 0) {
            throw new ProtoReader.Malformed("no string_table");
        }
        if (maxStringIndex >= strings) {
            throw new ProtoReader.Malformed("string index " + maxStringIndex + " outside a string_table of " + strings);
        }
        for (int count : valueCounts) {
            if (count != sampleTypes) {
                throw new ProtoReader.Malformed("a sample has " + count + " values for " + sampleTypes + " sample types");
            }
        }
        return new Summary(sampleTypes, samples);
    }

    private void topLevelField(long tag) throws IOException {
        int field = (int) (tag >>> 3);
        int wireType = (int) (tag & 7);
        switch (field) {
            case 1, 11 -> {
                valueType(r.lengthDelimited(field, wireType, Long.MAX_VALUE));
                if (field == 1) {
                    sampleTypes++;
                }
            }
            case 2 -> {
                sample(r.lengthDelimited(field, wireType, Long.MAX_VALUE));
                samples++;
            }
            case 3, 4, 5 -> message(r.lengthDelimited(field, wireType, Long.MAX_VALUE));
            case 6 -> {
                long end = r.lengthDelimited(field, wireType, Long.MAX_VALUE);
                if (strings == 0 && end != r.position()) {
                    throw new ProtoReader.Malformed("string_table[0] is not the empty string");
                }
                r.skipTo(end);
                strings++;
            }
            case 7, 8, 9, 10, 12 -> r.varintField(field, wireType, Long.MAX_VALUE);
            case 14, 15 -> maxStringIndex = Math.max(maxStringIndex, r.varintField(field, wireType, Long.MAX_VALUE));
            case 13 -> r.repeatedVarint(field, wireType, Long.MAX_VALUE, value -> { });
            default -> throw new ProtoReader.Malformed("unknown Profile field " + field + " at byte " + r.position());
        }
    }

    /** ValueType {type = 1, unit = 2}: both indices into the string table. */
    private void valueType(long end) throws IOException {
        while (r.position() < end) {
            long tag = r.tag(end);
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            if (field == 1 || field == 2) {
                maxStringIndex = Math.max(maxStringIndex, r.varintField(field, wireType, end));
            } else {
                r.skipField(field, wireType, end);
            }
        }
        r.expectAt(end);
    }

    /** Sample {location_id = 1, value = 2, label = 3}: the value count must match the sample types. */
    private void sample(long end) throws IOException {
        int values = 0;
        while (r.position() < end) {
            long tag = r.tag(end);
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            switch (field) {
                case 1 -> r.repeatedVarint(field, wireType, end, value -> { });
                case 2 -> values += r.repeatedVarint(field, wireType, end, value -> { });
                case 3 -> message(r.lengthDelimited(field, wireType, end));
                default -> r.skipField(field, wireType, end);
            }
        }
        r.expectAt(end);
        valueCounts.add(values);
    }

    /** Any nested message whose content is only checked for well-formedness. */
    private void message(long end) throws IOException {
        while (r.position() < end) {
            long tag = r.tag(end);
            r.skipField((int) (tag >>> 3), (int) (tag & 7), end);
        }
        r.expectAt(end);
    }
}
