package io.bolometer.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The Go sample app ({@code examples/sample-app}) running as a child process on a loopback address, playing a pod;
 * its control endpoints make CPU, heap, goroutine and mutex profiles show known functions.
 */
public final class SampleApp implements AutoCloseable {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
    private static final String LISTENING = "listening on ";

    private static boolean checkedThisJvm;

    private final Process process;
    private final Thread output;
    private final URI baseUrl;
    private final Path log;
    private final HttpClient http;

    private SampleApp(Process process, Thread output, URI baseUrl, Path log) {
        this.process = process;
        this.output = output;
        this.baseUrl = baseUrl;
        this.log = log;
        // Loopback only: never let a system proxy see these requests.
        this.http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(CONTROL_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Builds the binary if needed and starts it on {@code host:0}; {@code host} must be an IPv4 loopback address. */
    public static SampleApp start(String host) {
        requireLoopback(host);
        Path binary = binary();
        Path log = logFile(host);
        try {
            Process process = new ProcessBuilder(binary.toString(), "-addr", host + ":0")
                    .redirectErrorStream(true).start();
            CompletableFuture<String> address = new CompletableFuture<>();
            Thread output = teeOutput(process, log, address);
            try {
                String hostPort = address.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return new SampleApp(process, output, URI.create("http://" + hostPort), log);
            } catch (ExecutionException | TimeoutException e) {
                stop(process, output);
                String why = e instanceof TimeoutException ? "timed out" : e.getCause().getMessage();
                throw new IllegalStateException("sample-app did not report `" + LISTENING.trim() + "` within "
                        + START_TIMEOUT + " (" + why + "); its output (" + log + "):\n" + readQuietly(log), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting sample-app", e);
        }
    }

    /** The built binary, {@code examples/sample-app/bin/sample-app}: rebuilt once per JVM when a source is newer. */
    public static synchronized Path binary() {
        Path dir = GoToolchain.sampleAppDir();
        Path binary = dir.resolve("bin").resolve("sample-app");
        if (!checkedThisJvm) {
            if (isStale(dir, binary)) {
                build(dir, binary);
            }
            checkedThisJvm = true;
        }
        return binary;
    }

    /** {@code http://host:port} with the real port the app listens on. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** {@code baseUrl} with a path and optional query, e.g. {@code uri("/debug/pprof/heap?gc=1")}. */
    public URI uri(String pathAndQuery) {
        return baseUrl.resolve(pathAndQuery);
    }

    /** The process id, e.g. for /proc sampling in standalone mode. */
    public long pid() {
        return process.pid();
    }

    /** Where the app's stdout and stderr go, for debugging failed tests. */
    public Path logFile() {
        return log;
    }

    /** Starts {@code burnCPU} in the app's default number of goroutines (1), or stops it. */
    public void burn(boolean on) {
        control("/burn?on=" + (on ? 1 : 0));
    }

    /** Starts (or restarts) {@code burnCPU} in the given number of goroutines. */
    public void burn(int workers) {
        control("/burn?on=1&workers=" + workers);
    }

    /** Grows the retained heap by {@code mib} MiB, allocated in {@code growHeap}. */
    public void leakMiB(int mib) {
        control("/leak?mb=" + mib);
    }

    /** Starts (or replaces) a leak ramp: {@code mib} MiB more in {@code growHeap} every {@code every}, until reset. */
    public void leakRamp(int mib, Duration every) {
        control("/leak?mb=" + mib + "&every=" + every.toMillis() + "ms");
    }

    /** Starts {@code n} more goroutines parked in {@code parkGoroutine} until {@link #reset()}. */
    public void goroutines(int n) {
        control("/goroutines?n=" + n);
    }

    /** Starts or stops mutex contention in {@code contendMutex}. */
    public void contend(boolean on) {
        control("/contend?on=" + (on ? 1 : 0));
    }

    /** Stops burn and contention, releases parked goroutines and drops leaked memory. */
    public void reset() {
        control("/reset");
    }

    /** Sends SIGTERM, and kills the app if it has not exited 5 s later. */
    @Override
    public void close() {
        stop(process, output);
    }

    private void control(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(CONTROL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST " + request.uri() + " answered " + response.statusCode()
                        + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + request.uri() + " failed; app output in " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during POST " + request.uri(), e);
        }
    }

    private static void requireLoopback(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            if (!(address instanceof Inet4Address) || !address.isLoopbackAddress()
                    || !address.getHostAddress().equals(host)) {
                throw new IllegalArgumentException("sample-app may bind only an IPv4 literal in 127.0.0.0/8, not " + host);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Not an address: " + host, e);
        }
    }

    private static boolean isStale(Path dir, Path binary) {
        if (!Files.isRegularFile(binary)) {
            return true;
        }
        try (Stream<Path> files = Files.list(dir)) {
            FileTime built = Files.getLastModifiedTime(binary);
            return files.filter(f -> f.getFileName().toString().endsWith(".go")
                            || f.getFileName().toString().equals("go.mod"))
                    .anyMatch(source -> lastModified(source).compareTo(built) > 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    private static void build(Path dir, Path binary) {
        try {
            Files.createDirectories(binary.getParent());
            // Build beside the target and move it into place, so a concurrent JVM never runs a half-written file.
            Path partial = binary.resolveSibling(".sample-app-" + ProcessHandle.current().pid());
            GoToolchain.run(BUILD_TIMEOUT, dir, "build", "-o", partial.toString(), ".");
            Files.move(partial, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build " + binary, e);
        }
    }

    /** Copies the app's output to {@code log} and completes {@code address} from the `listening on` line. */
    private static Thread teeOutput(Process process, Path log, CompletableFuture<String> address) throws IOException {
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread tee = new Thread(() -> {
            try (out; BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                    if (!address.isDone() && line.startsWith(LISTENING)) {
                        address.complete(line.substring(LISTENING.length()).trim());
                    }
                }
                address.completeExceptionally(new IllegalStateException("sample-app exited"));
            } catch (IOException e) {
                address.completeExceptionally(e);
            }
        }, "sample-app-output-" + process.pid());
        tee.setDaemon(true);
        tee.start();
        return tee;
    }

    private static Path logFile(String host) {
        Path dir = Path.of(System.getProperty("user.dir"), "target", "sample-app");
        try {
            Files.createDirectories(dir);
            return Files.createTempFile(dir, "sample-app-" + host + "-" + Instant.now().toEpochMilli() + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a log file in " + dir, e);
        }
    }

    private static void stop(Process process, Thread output) {
        // Not Process.destroy(): it closes our end of the output pipe first, so the app's shutdown log line would
        // die of SIGPIPE instead of exiting cleanly.
        process.toHandle().destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            // The last lines (shutdown messages) should reach the log before the JVM moves on or exits.
            output.join(STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
