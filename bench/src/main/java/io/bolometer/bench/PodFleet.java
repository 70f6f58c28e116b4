package io.bolometer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.agent.testing.GoToolchain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Go pods: one {@code bench/pods} process serving real net/http/pprof on 127.0.1.1…127.0.1.N (one pod IP
 * each, one port for all), which logs when each address is asked for a profile and can switch pods hot.
 */
public final class PodFleet implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("bench-pods ready pods=(\\d+) port=(\\d+) control=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int count;
    private final int port;
    private final URI control;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PodFleet(Process process, int count, int port, int controlPort) {
        this.process = process;
        this.count = count;
        this.port = port;
        this.control = URI.create("http://127.0.0.1:" + controlPort);
    }

    /** Builds {@code bench/pods} with the Go toolchain into {@code bench/target}; returns the binary. */
    public static Path build() {
        Path dir = GoToolchain.repoRoot().resolve("bench/pods");
        Path binary = GoToolchain.repoRoot().resolve("bench/target/bench-pods");
        GoToolchain.run(Duration.ofMinutes(5), dir, "build", "-o", binary.toString(), ".");
        return binary;
    }

    /** Starts {@code count} pods and waits (at most 30 s) until all addresses listen. */
    public static PodFleet start(Path binary, int count, Path log) throws IOException {
        Process process = new ProcessBuilder(binary.toString(), "-n", Integer.toString(count))
                .redirectError(log.toFile()).start();
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                return reader.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String line;
        try {
            line = ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("bench-pods did not start within 30 s (see " + log + ")", e);
        }
        Matcher m = line == null ? null : READY.matcher(line);
        if (m == null || !m.find()) {
            process.destroyForcibly();
            throw new IllegalStateException("bench-pods did not start: " + line + " (see " + log + ")");
        }
        return new PodFleet(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
    }

    public int count() {
        return count;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Pod {@code i}'s IP, 127.0.1.(i+1). */
    public static String ip(int i) {
        return "127.0.1." + (i + 1);
    }

    public static String name(int i) {
        return String.format("pod-%03d", i);
    }

    /** The pprof base of pod {@code i}. */
    public URI baseUrl(int i) {
        return URI.create("http://" + ip(i) + ":" + port);
    }

    /** Starts or stops pod {@code i}'s CPU burner. */
    public void hot(int i, boolean on) {
        get("/hot?pod=" + i + "&on=" + on);
    }

    /** Arrival times (Unix nanoseconds) of pprof requests at pod {@code i} since {@code sinceNanos}. */
    public List<Long> requestsSince(int i, long sinceNanos) {
        try {
            List<Long> times = new ArrayList<>();
            for (var node : JSON.readTree(get("/requests?pod=" + i + "&since=" + sinceNanos))) {
                times.add(node.longValue());
            }
            return times;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(control.resolve(path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("bench-pods " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("bench-pods control " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
