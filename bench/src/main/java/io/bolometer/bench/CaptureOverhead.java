package io.bolometer.bench;

import io.bolometer.testing.S3TestServer;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Capture overhead: for one pod at a time, the agent's trigger → every profile stored (a requested capture,
 * timed from the first pprof request at the pod to the last PUT answered through the timing proxy), then the
 * plain path for the same profiles of the same pod: an HTTP GET of each and a single PutObject of it, in turn.
 */
public final class CaptureOverhead implements AutoCloseable {
    /** Seconds per sample, agent and baseline, same order. */
    public record Outcome(List<Double> agentSeconds, List<Double> baselineSeconds, long profileBytes) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final S3Client s3;

    public CaptureOverhead(URI s3Endpoint) {
        this.s3 = S3Client.builder().httpClientBuilder(AwsCrtHttpClient.builder()).region(Region.of("us-east-1"))
                .credentialsProvider(S3TestServer.CREDENTIALS).endpointOverride(s3Endpoint).forcePathStyle(true)
                .build();
    }

    /** {@code warmup} unrecorded samples, then {@code samples} recorded ones, each on the next pod in turn. */
    public Outcome measure(BenchCluster cluster, String node, PodFleet fleet, TimingS3Proxy proxy, int warmup,
                           int samples) throws InterruptedException, IOException {
        List<Double> agent = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        long bytes = 0;
        for (int k = 0; k < warmup + samples; k++) {
            int pod = k % fleet.count();
            double agentTime = agentCapture(cluster, node, fleet, proxy, pod, "overhead-" + k);
            long[] size = new long[1];
            double plainTime = plainCapture(fleet, pod, k, size);
            if (k >= warmup) {
                agent.add(agentTime);
                baseline.add(plainTime);
                bytes = size[0];
            }
        }
        return new Outcome(agent, baseline, bytes);
    }

    private static double agentCapture(BenchCluster cluster, String node, PodFleet fleet, TimingS3Proxy proxy,
                                       int pod, String token) throws InterruptedException {
        long before = UsageModel.nowNanos();
        cluster.requestCaptures(node, i -> i == pod ? token : null);
        String marker = "-" + PodFleet.name(pod) + "-";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<TimingS3Proxy.Put> stored = proxy.puts().stream()
                    .filter(p -> p.doneNanos() > before && p.bucket().equals(BenchCluster.BUCKET)
                            && p.key().startsWith("profiles/") && p.key().contains(marker))
                    .toList();
            if (stored.size() >= BenchCluster.TYPES.size()) {
                List<Long> requests = fleet.requestsSince(pod, before);
                long last = stored.stream().mapToLong(TimingS3Proxy.Put::doneNanos).max().orElseThrow();
                return (last - requests.get(0)) / 1e9;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("the agent did not store the requested capture of " + PodFleet.name(pod)
                + " within 60 s");
    }

    private double plainCapture(PodFleet fleet, int pod, int sample, long[] bytes) throws IOException,
            InterruptedException {
        long start = System.nanoTime();
        long total = 0;
        for (ProfileType type : BenchCluster.TYPES) {
            URI url = fleet.baseUrl(pod).resolve(type.requestPath("/debug/pprof", 1));
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode());
            }
            total += response.body().length;
            s3.putObject(b -> b.bucket(BenchCluster.BUCKET)
                            .key("baseline/" + PodFleet.name(pod) + "-" + sample + "-" + type.wireName() + ".pprof"),
                    RequestBody.fromBytes(response.body()));
        }
        bytes[0] = total;
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() {
        s3.close();
    }
}
