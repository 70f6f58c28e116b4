package io.bolometer.agent.spool;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable on-disk queue of profiles waiting for upload: an entry is a body {@code <id>.pprof} plus its record
 * {@code <id>.json}, and a crash at any point leaves either a complete entry or nothing.
 *
 * <p>Ids are {@code <16-digit epoch micros>-<8 hex random>}, strictly increasing within a directory (also across
 * restarts: the next id is above the largest one found), so sorting ids is sorting by commit order.
 *
 * <p>The byte budget holds for committed bodies and bodies being fetched together: a fetch {@linkplain #grow grows}
 * its slot's reservation as bytes arrive, so a pod that sends 64 MiB and holds back the last byte never takes more
 * than the budget leaves. Room is made by dropping entries not claimed by an upload in flight, the oldest of the
 * config using the most of the spool first, and only from configs using at least as much as the one that needs the
 * room ({@link DropPolicy}: a fresh profile is worth more than one that waited through an outage, and one tenant's
 * backlog or fetches never drop the profiles of a tenant using less); when that cannot make room the new body is
 * refused. Each drop is reported to the {@link DropListener}.
 */
public final class ProfileSpool {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileSpool.class);
    private static final String BODY = ".pprof";
    private static final String RECORD = ".json";
    private static final String RECORD_TEMP = ".json.tmp";
    private static final String SLOT_PREFIX = "slot-";
    private static final String SLOT_SUFFIX = ".part";
    private static final String QUARANTINE = "corrupt";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final long maxBytes;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();
    private final NavigableMap<String, SpooledProfile> entries = new TreeMap<>();
    private final Set<String> claimed = new HashSet<>();
    private final Set<String> recovered = new HashSet<>();
    private final List<DropListener> dropListeners = new CopyOnWriteArrayList<>();
    private long bytes;
    /** Bytes reserved by slots being fetched into, in total and per slot file. */
    private long reserved;
    private final Map<Path, Long> reservations = new HashMap<>();
    private final Map<Path, String> reservationSources = new HashMap<>();
    private long lastMicros;

    /** Told about every entry the spool drops to stay within its byte budget. */
    @FunctionalInterface
    public interface DropListener {
        /** {@code entry} was deleted unsent to make room for a newer body of {@code incomingBytes}. */
        void dropped(SpooledProfile entry, long incomingBytes, long maxBytes);
    }

    private ProfileSpool(Path dir, long maxBytes, Clock clock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** Adds a listener for entries dropped for the byte budget (metrics, the log, tests). */
    public void onDrop(DropListener listener) {
        dropListeners.add(listener);
    }

    /** Opens (creating) the spool in {@code dir}, cleaning what a crash left half-done and loading committed entries. */
    public static ProfileSpool open(Path dir, long maxBytes) throws IOException {
        return open(dir, maxBytes, Clock.systemUTC());
    }

    /** As {@link #open(Path, long)}, with the clock that stamps new entries. */
    public static ProfileSpool open(Path dir, long maxBytes, Clock clock) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        Path absolute = dir.toAbsolutePath().normalize();
        Files.createDirectories(absolute);
        ProfileSpool spool = new ProfileSpool(absolute, maxBytes, clock);
        spool.recover();
        return spool;
    }

    /**
     * Reserves a temporary file to stream one body into; refuses only when entries claimed by uploads in flight
     * alone fill the budget, since then no drop could make room for the body.
     */
    public SpoolSlot reserve() throws IOException {
        return reserve("");
    }

    /** As {@link #reserve()}, for a body fetched for the config {@code source}, whose share it counts towards. */
    public SpoolSlot reserve(String source) throws IOException {
        synchronized (lock) {
            long pinned = claimedBytes() + reserved;
            if (pinned >= maxBytes) {
                throw new SpoolFullException("uploads and fetches in flight hold " + pinned + " bytes, the whole budget of "
                        + maxBytes);
            }
        }
        Path temp = dir.resolve(SLOT_PREFIX + UUID.randomUUID() + SLOT_SUFFIX);
        Files.createFile(temp);
        synchronized (lock) {
            reservations.put(temp, 0L);
            reservationSources.put(temp, source == null ? "" : source);
        }
        return new SpoolSlot(temp, source);
    }

    /**
     * Reserves {@code more} bytes for a body being streamed into {@code slot}, dropping spooled profiles
     * ({@link DropPolicy}) when the budget needs it; the fetch must stop when this answers false.
     *
     * @return false when even dropping every entry not being uploaded would not make room (nothing is dropped)
     */
    public boolean grow(SpoolSlot slot, long more) {
        List<SpooledProfile> victims;
        synchronized (lock) {
            Long held = reservations.get(slot.tempFile());
            if (held == null) {
                return false;
            }
            victims = DropPolicy.victims(entries.values(), claimed, reservedBySource(), slot.source(), more,
                    bytes + reserved + more - maxBytes);
            if (victims.isEmpty() && bytes + reserved + more > maxBytes) {
                return false;
            }
            victims.forEach(this::forget);
            reservations.put(slot.tempFile(), held + more);
            reserved += more;
        }
        deleteDropped(victims, more);
        return true;
    }

    /** Bytes reserved by fetches in flight. */
    public long reservedBytes() {
        synchronized (lock) {
            return reserved;
        }
    }

    /**
     * Makes the slot's body a durable entry with its record; only then may the capture count as spooled. Drops the
     * oldest unclaimed entries first when the body would not fit the budget.
     *
     * @throws SpoolFullException when the body cannot fit even after dropping every unclaimed entry (the slot is
     *     left for the caller to discard and nothing is dropped)
     */
    public SpooledProfile commit(SpoolSlot slot, SpoolRecord record) throws IOException {
        Path temp = ownSlot(slot);
        SpoolFiles.force(temp);
        long size = Files.size(temp);
        unreserve(slot);
        makeRoom(java.util.Objects.requireNonNullElse(record.source(), ""), size);
        String id = nextId();
        Path recordTemp = dir.resolve(id + RECORD_TEMP);
        Path recordFile = dir.resolve(id + RECORD);
        Path body = dir.resolve(id + BODY);
        try {
            Files.write(recordTemp, JSON.writeValueAsBytes(record));
            SpoolFiles.force(recordTemp);
            // Record first, body last: a body in place always has its record; a record without body is a crash.
            Files.move(recordTemp, recordFile, StandardCopyOption.ATOMIC_MOVE);
            Files.move(temp, body, StandardCopyOption.ATOMIC_MOVE);
            SpoolFiles.forceDirectory(dir);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(recordTemp);
            Files.deleteIfExists(recordFile);
            throw e;
        }
        SpooledProfile entry = new SpooledProfile(id, body, size, record, SpoolFiles.instantOf(id));
        synchronized (lock) {
            entries.put(id, entry);
            bytes += size;
        }
        return entry;
    }

    /** Deletes a slot's temporary file without committing it (fetch or validation failed). */
    public void discard(SpoolSlot slot) {
        unreserve(slot);
        try {
            Files.deleteIfExists(ownSlot(slot));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete spool slot " + slot.tempFile(), e);
        }
    }

    /**
     * Marks an entry as being uploaded so the budget never drops it mid-upload.
     *
     * @return false when the entry is gone (uploaded or dropped meanwhile): do not upload it
     */
    public boolean claim(SpooledProfile entry) {
        synchronized (lock) {
            if (!entries.containsKey(entry.id())) {
                return false;
            }
            claimed.add(entry.id());
            return true;
        }
    }

    /** Ends a claim after a failed upload; the entry may be dropped for the budget again. */
    public void release(SpooledProfile entry) {
        synchronized (lock) {
            claimed.remove(entry.id());
        }
    }

    /**
     * Whether the entry was found in the directory at open, i.e. a previous run may have started (and left
     * unfinished) its upload.
     */
    public boolean fromPreviousRun(SpooledProfile entry) {
        synchronized (lock) {
            return recovered.contains(entry.id());
        }
    }

    /** Committed entries, oldest first. */
    public List<SpooledProfile> pending() {
        synchronized (lock) {
            return List.copyOf(entries.values());
        }
    }

    /** Forgets an entry for good; call only after its upload completed. Removing twice is harmless. */
    public void remove(SpooledProfile entry) {
        try {
            // Record first: a body left without its record is cleaned at the next open, never re-sent.
            Files.deleteIfExists(dir.resolve(entry.id() + RECORD));
            Files.deleteIfExists(entry.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete spool entry " + entry.id(), e);
        }
        synchronized (lock) {
            forget(entry);
        }
    }

    /** The byte budget. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Bytes of committed bodies. */
    public long bytes() {
        synchronized (lock) {
            return bytes;
        }
    }

    /** Number of committed entries. */
    public int count() {
        synchronized (lock) {
            return entries.size();
        }
    }

    /** The spool's directory. */
    public Path directory() {
        return dir;
    }

    /** Bytes reserved by fetches in flight per config; call holding the lock. */
    private Map<String, Long> reservedBySource() {
        Map<String, Long> bySource = new HashMap<>();
        reservations.forEach((temp, held) -> bySource.merge(reservationSources.get(temp), held, Long::sum));
        return bySource;
    }

    private void unreserve(SpoolSlot slot) {
        synchronized (lock) {
            reservationSources.remove(slot.tempFile());
            Long held = reservations.remove(slot.tempFile());
            if (held != null) {
                reserved -= held;
            }
        }
    }

    /** Drops unclaimed entries ({@link DropPolicy}) until {@code size} more bytes fit; drops nothing when that cannot succeed. */
    private void makeRoom(String source, long size) throws IOException {
        List<SpooledProfile> victims;
        synchronized (lock) {
            long excess = bytes + reserved + size - maxBytes;
            if (excess <= 0) {
                return;
            }
            victims = DropPolicy.victims(entries.values(), claimed, reservedBySource(), source, size, excess);
            if (victims.isEmpty()) {
                throw new SpoolFullException("a profile of " + size + " bytes does not fit the budget of " + maxBytes
                        + " bytes beside " + (claimedBytes() + reserved) + " bytes being uploaded or fetched and "
                        + "the shares of configs using less of the spool");
            }
            // Out of the map under the lock, so no uploader can claim a victim while its files go away.
            victims.forEach(this::forget);
        }
        deleteDropped(victims, size);
    }

    private void deleteDropped(List<SpooledProfile> victims, long size) {
        for (SpooledProfile victim : victims) {
            try {
                Files.deleteIfExists(dir.resolve(victim.id() + RECORD));
                Files.deleteIfExists(victim.body());
            } catch (IOException e) {
                LOG.warn("Could not delete dropped spool entry {}: {}", victim.id(), e.toString());
            }
            for (DropListener listener : dropListeners) {
                listener.dropped(victim, size, maxBytes);
            }
        }
    }

    /** Removes an entry from the in-memory state; call holding the lock. */
    private void forget(SpooledProfile entry) {
        if (entries.remove(entry.id()) != null) {
            bytes -= entry.sizeBytes();
        }
        claimed.remove(entry.id());
        recovered.remove(entry.id());
    }

    private long claimedBytes() {
        long sum = 0;
        for (String id : claimed) {
            SpooledProfile entry = entries.get(id);
            sum += entry == null ? 0 : entry.sizeBytes();
        }
        return sum;
    }

    private void recover() throws IOException {
        Set<String> bodies = new HashSet<>();
        Set<String> records = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if ((name.startsWith(SLOT_PREFIX) && name.endsWith(SLOT_SUFFIX)) || name.endsWith(RECORD_TEMP)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(BODY) && SpoolFiles.isId(SpoolFiles.strip(name, BODY))) {
                    bodies.add(SpoolFiles.strip(name, BODY));
                } else if (name.endsWith(RECORD) && SpoolFiles.isId(SpoolFiles.strip(name, RECORD))) {
                    records.add(SpoolFiles.strip(name, RECORD));
                }
            }
        }
        for (String id : bodies) {
            if (!records.contains(id)) {
                Files.deleteIfExists(dir.resolve(id + BODY));
            }
        }
        for (String id : records) {
            if (!bodies.contains(id)) {
                Files.deleteIfExists(dir.resolve(id + RECORD));
            } else {
                load(id);
            }
        }
        if (!entries.isEmpty()) {
            recovered.addAll(entries.keySet());
            lastMicros = SpoolFiles.micros(entries.lastKey());
            LOG.info("Spool {} holds {} profiles ({} bytes) from a previous run", dir, entries.size(), bytes);
        }
    }

    private void load(String id) throws IOException {
        Path recordFile = dir.resolve(id + RECORD);
        Path body = dir.resolve(id + BODY);
        SpoolRecord record;
        try {
            record = JSON.readValue(recordFile.toFile(), SpoolRecord.class);
        } catch (IOException | IllegalArgumentException e) {
            // Kept aside rather than deleted: it is somebody's profile, and the cause is worth a look.
            Path quarantine = Files.createDirectories(dir.resolve(QUARANTINE));
            Files.move(recordFile, quarantine.resolve(recordFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.move(body, quarantine.resolve(body.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("Moved spool entry {} to {}: its record is unreadable ({})", id, quarantine, e.getMessage());
            return;
        }
        long size = Files.size(body);
        entries.put(id, new SpooledProfile(id, body, size, record, SpoolFiles.instantOf(id)));
        bytes += size;
    }

    private String nextId() {
        Instant now = clock.instant();
        long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
        synchronized (lock) {
            lastMicros = Math.max(nowMicros, lastMicros + 1);
            return String.format("%016d-%08x", lastMicros, random.nextInt());
        }
    }

    private Path ownSlot(SpoolSlot slot) {
        Path temp = slot.tempFile().toAbsolutePath().normalize();
        String name = temp.getFileName().toString();
        if (!dir.equals(temp.getParent()) || !name.startsWith(SLOT_PREFIX) || !name.endsWith(SLOT_SUFFIX)) {
            throw new IllegalArgumentException("Not a slot of spool " + dir + ": " + slot.tempFile());
        }
        return temp;
    }

    @Override
    public String toString() {
        return "spool " + dir;
    }
}
