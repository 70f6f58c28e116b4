package io.bolometer.agent.http;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Tells {@code /healthz} whether the agent's threads still run: every Vert.x event loop (fetches, the kubelet client,
 * the HTTP servers) and the scheduler thread (checks, triggers) record a beat every {@code every}; a thread whose last
 * beat is older than {@code stuckAfter} is blocked, and the kubelet's liveness probe restarts the container. Vert.x
 * only logs a blocked event loop; a wedged agent would otherwise answer 200 forever.
 */
public final class Heartbeats implements AutoCloseable {

    /** The default beat period and the age at which a thread counts as blocked. */
    public static final Duration EVERY = Duration.ofSeconds(5);
    public static final Duration STUCK_AFTER = Duration.ofSeconds(30);

    private final Map<String, AtomicLong> lastBeats = new LinkedHashMap<>();
    private final List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
    private final LongSupplier nanoTime;
    private final Duration stuckAfter;

    private Heartbeats(LongSupplier nanoTime, Duration stuckAfter) {
        this.nanoTime = nanoTime;
        this.stuckAfter = stuckAfter;
    }

    /** Starts beating on each of {@code vertx}'s event loops and on {@code scheduler}. */
    public static Heartbeats start(Vertx vertx, ScheduledExecutorService scheduler, Duration every,
                                   Duration stuckAfter) {
        Heartbeats beats = new Heartbeats(System::nanoTime, stuckAfter);
        EventLoopGroup loops = ((VertxInternal) vertx).nettyEventLoopGroup();
        int index = 0;
        for (EventExecutor loop : loops) {
            AtomicLong last = beats.register("event loop " + index++);
            ScheduledFuture<?> task = loop.scheduleAtFixedRate(() -> last.set(beats.nanoTime.getAsLong()),
                    0, every.toMillis(), TimeUnit.MILLISECONDS);
            beats.tasks.add(task);
        }
        AtomicLong last = beats.register("scheduler thread");
        beats.tasks.add(scheduler.scheduleAtFixedRate(() -> last.set(beats.nanoTime.getAsLong()),
                0, every.toMillis(), TimeUnit.MILLISECONDS));
        return beats;
    }

    private AtomicLong register(String name) {
        AtomicLong last = new AtomicLong(nanoTime.getAsLong());
        lastBeats.put(name, last);
        return last;
    }

    /** Why the agent is wedged, for {@code /healthz}: empty when every thread beat recently. */
    public List<String> problems() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        lastBeats.forEach((name, last) -> snapshot.put(name, last.get()));
        return problems(snapshot, nanoTime.getAsLong(), stuckAfter);
    }

    /** The rule, apart from threads: each thread whose last beat is older than {@code stuckAfter}. */
    static List<String> problems(Map<String, Long> lastBeatNanos, long nowNanos, Duration stuckAfter) {
        List<String> problems = new ArrayList<>();
        lastBeatNanos.forEach((name, last) -> {
            long silentNanos = nowNanos - last;
            if (silentNanos > stuckAfter.toNanos()) {
                problems.add(name + " blocked: no heartbeat for " + TimeUnit.NANOSECONDS.toSeconds(silentNanos)
                        + " s (limit " + stuckAfter.toSeconds() + " s)");
            }
        });
        return problems;
    }

    @Override
    public void close() {
        tasks.forEach(task -> task.cancel(false));
    }
}
