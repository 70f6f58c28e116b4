package io.bolometer.agent.testing;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.runtime.ProfileCollector;
import io.bolometer.agent.kubelet.KubeletSettings;
import io.bolometer.agent.kubelet.KubeletSummaryClient;
import io.bolometer.agent.upload.DirectoryProfileSink;
import io.bolometer.testing.FakeKubelet;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The in-process agent the kubelet-driven ITs share: usage from a {@link FakeKubelet} (or a proxy in front of it)
 * with a bearer token, profiles stored in {@code <dir>/store}, spooled in {@code <dir>/spool}.
 */
public final class KubeletAgent {
    private KubeletAgent() {
    }

    /**
     * Starts an agent reading usage from {@code kubeletUrl} (the fake kubelet's own, or a proxy's) with {@code token},
     * trusting {@code kubelet}'s certificate.
     */
    public static AgentRuntime start(Vertx vertx, Path dir, FakeKubelet kubelet, URI kubeletUrl, String token,
                                     Duration kubeletTimeout, long spoolBytes, ProfileCollector.CaptureListener listener)
            throws IOException {
        Path tokenFile = Files.writeString(dir.resolve("token"), token);
        KubeletSummaryClient usage = new KubeletSummaryClient(vertx,
                new KubeletSettings(kubeletUrl, tokenFile, kubelet.caCertPath(), false, kubeletTimeout), Clock.systemUTC());
        DirectoryProfileSink sink = new DirectoryProfileSink(dir.resolve("store"));
        return AgentRuntime.start(vertx,
                new AgentRuntime.Settings(dir.resolve("spool"), spoolBytes, "127.0.0.1", 0, 0, FetchLimits.defaults()),
                usage, location -> sink, listener, Clock.systemUTC());
    }

    /** As above, straight to the fake kubelet, a 5 s timeout, no capture listener. */
    public static AgentRuntime start(Vertx vertx, Path dir, FakeKubelet kubelet, String token, long spoolBytes)
            throws IOException {
        return start(vertx, dir, kubelet, kubelet.uri(), token, Duration.ofSeconds(5), spoolBytes,
                ProfileCollector.CaptureListener.NONE);
    }
}
