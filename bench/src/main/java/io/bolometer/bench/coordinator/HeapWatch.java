package io.bolometer.bench.coordinator;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Heap figures for the benchmarks, from the JVM's own management beans:
 * <ul>
 *   <li>{@link #liveHeapBytes()}: used heap right after two full collections ({@code System.gc()}), i.e. what the
 *       objects still referenced occupy;</li>
 *   <li>{@link #peakLiveBytes()}: while watching, the largest heap left after any collection (from the
 *       collectors' notifications), i.e. the peak live set during the work, independent of how lazily the
 *       collector runs;</li>
 *   <li>{@link #peakUsedBytes()}: the sum of the heap pools' peak usage since {@link #start()}, garbage included
 *       (an upper bound that depends on the collector and {@code -Xmx}).</li>
 * </ul>
 */
final class HeapWatch implements AutoCloseable {
    private final AtomicLong peakLive = new AtomicLong();
    private final AtomicLong notified = new AtomicLong();
    private long collectionsAtStart;
    private final List<Runnable> removals = new ArrayList<>();

    static long liveHeapBytes() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static double mib(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }

    /** Resets the pools' peaks and starts listening to collections. */
    HeapWatch start() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        collectionsAtStart = collections();
        NotificationListener listener = this::collected;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                removals.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (Exception ignored) {
                        // already gone
                    }
                });
            }
        }
        return this;
    }

    /** The peak live set so far, once the notifications of every collection since {@link #start()} arrived. */
    long peakLiveBytes() throws InterruptedException {
        // Notifications arrive on a JVM service thread, shortly after each collection: wait for them (bounded).
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (notified.get() < collections() - collectionsAtStart && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return peakLive.get();
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(c -> c > 0).sum();
    }

    long peakUsedBytes() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private void collected(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        List<String> heapPoolNames = heapPools().stream().map(MemoryPoolMXBean::getName).toList();
        long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                .filter(e -> heapPoolNames.contains(e.getKey())).map(e -> e.getValue())
                .mapToLong(MemoryUsage::getUsed).sum();
        peakLive.accumulateAndGet(after, Math::max);
        notified.incrementAndGet();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    @Override
    public void close() {
        removals.forEach(Runnable::run);
    }
}
