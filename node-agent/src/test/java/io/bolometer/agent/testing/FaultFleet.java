package io.bolometer.agent.testing;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import io.bolometer.testing.Closing;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Many "pods" for fault tests: one {@link FakePprofServer} per loopback pod IP ({@code 127.0.<net>.1..n}), each
 * serving a valid profile body at {@code /debug/pprof/<type>}, and the periodic targets that point at them.
 */
public final class FaultFleet implements AutoCloseable {

    private final List<FakePprofServer> servers = new ArrayList<>();
    private final List<ProfilingTarget> targets = new ArrayList<>();

    private FaultFleet() {
    }

    /**
     * Starts {@code pods} servers on {@code 127.0.<net>.<i>} serving {@code body.apply(i)} for every type, and
     * builds one periodic (every {@code interval}, no thresholds) target per pod storing to {@code store}.
     */
    public static FaultFleet start(Vertx vertx, int net, int pods, IntFunction<byte[]> body, Duration interval,
                                   List<ProfileType> types, StoreLocation store) throws Exception {
        FaultFleet fleet = new FaultFleet();
        try {
            for (int i = 1; i <= pods; i++) {
                byte[] bytes = body.apply(i);
                FakePprofServer server = FakePprofServer.start(vertx, "127.0." + net + "." + i)
                        .route("debug", request -> request.response()
                                .putHeader("Content-Type", "application/octet-stream").end(
                                        io.vertx.core.buffer.Buffer.buffer(bytes)));
                fleet.servers.add(server);
                PodRef pod = new PodRef("shop", String.format("checkout-%02d", i));
                TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(30), Duration.ofMinutes(5),
                        true, interval, types, 1);
                fleet.targets.add(new ProfilingTarget("shop/faults", pod, "node-a", server.base(), "/debug/pprof",
                        "checkout", Map.of("app", "checkout"), ResourceLimits.configured(0, 0), settings, store,
                        "profiles", 0, null));
            }
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    public List<ProfilingTarget> targets() {
        return List.copyOf(targets);
    }

    /** Requests the pods' servers saw. */
    public int requests() {
        return servers.stream().mapToInt(FakePprofServer::totalRequests).sum();
    }

    @Override
    public void close() {
        Closing.quietly(servers); // the Vert.x instance is closed after this anyway
        servers.clear();
    }
}
