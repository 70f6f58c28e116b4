package io.bolometer.agent.insight;

import io.bolometer.model.ProfileType;
import io.bolometer.agent.pprof.ProtoReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Computes a {@link ProfileSummary} from the bytes of a Go pprof profile (gzip'd or not): the top functions by
 * flat and cumulative share of the profile's main sample type, as {@code go tool pprof -top} would list them.
 *
 * <p>Bounds: one pass over a profile written by Go's runtime (two over one whose samples precede their locations,
 * which needs a {@link Source} that opens twice); memory independent of the profile's size, below ~25 MiB at the
 * caps of {@link ProfileAggregator} (262,144 locations, 65,536 functions, 4 MiB of names) and a few MiB for
 * real profiles; input refused beyond {@code maxDecompressedBytes}.
 */
public final class ProfileSummarizer {

    /** How many functions are kept by flat share, and how many by cumulative share (the union is kept). */
    public static final int DEFAULT_MAX_ENTRIES = 20;
    /** The same cap on the decompressed size as the validator's: summarising never reads more than it accepted. */
    public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 256L * 1024 * 1024;

    private final int maxEntries;
    private final long maxDecompressedBytes;

    public ProfileSummarizer() {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    public ProfileSummarizer(int maxEntries, long maxDecompressedBytes) {
        if (maxEntries < 1 || maxDecompressedBytes < 1) {
            throw new IllegalArgumentException("maxEntries and maxDecompressedBytes must be positive");
        }
        this.maxEntries = maxEntries;
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /** The profile is not one this summarizer can read; the message says why and where. */
    public static final class Unreadable extends IOException {
        public Unreadable(String message) {
            super(message);
        }
    }

    /** Opens the profile's bytes, once per pass; each stream is closed by the summarizer. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    /** Summarises a profile file, e.g. the spooled copy; blocking. */
    public ProfileSummary summarize(ProfileType type, Path profile) throws IOException {
        return summarize(type, () -> Files.newInputStream(profile));
    }

    /** Summarises a profile held in memory. */
    public ProfileSummary summarize(ProfileType type, byte[] profile) throws IOException {
        return summarize(type, () -> new ByteArrayInputStream(profile));
    }

    /**
     * Summarises a stream that can be read only once: enough for Go's own profiles; one whose samples precede their
     * locations is {@link Unreadable} this way (use a file or bytes).
     */
    public ProfileSummary summarize(ProfileType type, InputStream profile) throws IOException {
        boolean[] opened = new boolean[1];
        return summarize(type, () -> {
            if (opened[0]) {
                throw new Unreadable("the profile's samples precede their locations; summarise it from a file");
            }
            opened[0] = true;
            return new NonClosing(profile);
        });
    }

    /** Summarises the profile that {@code source} opens, reading it a second time only if it must. */
    public ProfileSummary summarize(ProfileType type, Source source) throws IOException {
        ProfileAggregator aggregator = new ProfileAggregator();
        try {
            try (InputStream in = decompressed(source.open())) {
                aggregator.readAll(new ProtoReader(in, maxDecompressedBytes));
            }
            if (aggregator.hasDeferredSamples()) {
                try (InputStream in = decompressed(source.open())) {
                    aggregator.readSamples(new ProtoReader(in, maxDecompressedBytes));
                }
            }
        } catch (ProtoReader.Malformed e) {
            throw new Unreadable(e.getMessage());
        }
        return summary(type, aggregator);
    }

    private ProfileSummary summary(ProfileType type, ProfileAggregator aggregator) throws Unreadable {
        List<String> names = aggregator.sampleTypeNames.stream()
                .map(index -> aggregator.strings.getOrDefault(index, "")).toList();
        if (names.isEmpty()) {
            throw new Unreadable("the profile has no sample_type");
        }
        if (aggregator.columns() != 0 && aggregator.columns() != names.size()) {
            throw new Unreadable("samples have " + aggregator.columns() + " values for " + names.size()
                    + " sample types");
        }
        String defaultName = aggregator.strings.get(aggregator.defaultSampleTypeName);
        int column = mainColumn(type, names, defaultName);
        long total = aggregator.total(column);
        return new ProfileSummary(type, names.get(column), total, top(aggregator, column, total));
    }

    /**
     * The sample type that says most about this kind of profile; else, as {@code go tool pprof} picks, the
     * profile's default sample type, else its last.
     */
    static int mainColumn(ProfileType type, List<String> names, String defaultName) {
        int preferred = names.indexOf(preferredSampleType(type));
        if (preferred >= 0) {
            return preferred;
        }
        int byDefault = defaultName == null ? -1 : names.indexOf(defaultName);
        return byDefault >= 0 ? byDefault : names.size() - 1;
    }

    static String preferredSampleType(ProfileType type) {
        return switch (type) {
            case CPU -> "cpu";
            case HEAP -> "inuse_space";
            case ALLOCS -> "alloc_space";
            case GOROUTINE -> "goroutine";
            case MUTEX, BLOCK -> "delay";
        };
    }

    private List<ProfileSummary.TopEntry> top(ProfileAggregator aggregator, int column, long total) {
        if (total <= 0) {
            return List.of();
        }
        List<int[]> candidates = new ArrayList<>();
        for (int slot = 0; slot < aggregator.functionSlots(); slot++) {
            if (aggregator.flat(slot, column) != 0 || aggregator.cum(slot, column) != 0) {
                candidates.add(new int[] {slot});
            }
        }
        Comparator<int[]> byFlat = Comparator.comparingLong((int[] s) -> aggregator.flat(s[0], column)).reversed();
        Comparator<int[]> byCum = Comparator.comparingLong((int[] s) -> aggregator.cum(s[0], column)).reversed();
        Map<Integer, ProfileSummary.TopEntry> kept = new LinkedHashMap<>();
        for (Comparator<int[]> order : List.of(byFlat.thenComparing(byCum), byCum.thenComparing(byFlat))) {
            candidates.stream().sorted(order).limit(maxEntries).forEach(s -> kept.computeIfAbsent(s[0],
                    slot -> new ProfileSummary.TopEntry(aggregator.functionName(slot),
                            percent(aggregator.flat(slot, column), total), percent(aggregator.cum(slot, column), total))));
        }
        Comparator<Map.Entry<Integer, ProfileSummary.TopEntry>> byShares = Comparator.comparing(
                Map.Entry::getValue, Comparator.comparingDouble(ProfileSummary.TopEntry::flatPercent).reversed()
                        .thenComparing(Comparator.comparingDouble(ProfileSummary.TopEntry::cumPercent).reversed()));
        return kept.entrySet().stream()
                .sorted(byShares
                        .thenComparing(e -> -aggregator.meanFramesFromLeaf(e.getKey()))
                        .thenComparing(e -> e.getValue().function()))
                .map(Map.Entry::getValue)
                .toList();
    }

    /** A share in percent, rounded to two decimals as {@code go tool pprof} prints it. */
    static double percent(long part, long total) {
        return Math.round(part * 10000.0 / total) / 100.0;
    }

    private static InputStream decompressed(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b ? new GZIPInputStream(in, 64 * 1024) : in;
    }

    /** Lets the caller close the stream it passed in. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the caller owns the stream
        }
    }
}
