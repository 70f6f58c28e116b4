package io.bolometer.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged agent ({@code bolometer-node-agent.jar}) in cluster mode as a child process, so its memory and CPU
 * are the process's own, read from {@code /proc/<pid>}.
 */
public final class AgentProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    /** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux the JDK supports here. */
    private static final double CLOCK_TICKS_PER_SECOND = clockTicks();

    /** What the agent is started with. */
    public record Launch(String name, List<String> jvmFlags, String node, URI kubeletUrl, Path kubeletToken,
                         Path kubeletCa, Path kubeconfig, Path workDir) {
        /** The agent's spool (it also keeps the capture tokens it handled). */
        public Path spoolDir() {
            return workDir.resolve("spool-" + name);
        }

        /**
         * Empties the spool a previous bench run left: its profiles name that run's S3 endpoint, and its handled
         * capture tokens would make this run's requested captures (same tokens) no-ops.
         */
        public Launch withFreshSpool() throws IOException {
            Path spool = spoolDir();
            if (Files.exists(spool)) {
                try (var files = Files.walk(spool)) {
                    for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
            return this;
        }
    }

    private final Launch launch;
    private final Process process;
    private final int metricsPort;
    private final int healthPort;
    private final long startNanos;

    private AgentProcess(Launch launch, Process process, long startNanos, int metricsPort, int healthPort) {
        this.launch = launch;
        this.process = process;
        this.startNanos = startNanos;
        this.metricsPort = metricsPort;
        this.healthPort = healthPort;
    }

    public static AgentProcess start(Path jar, Launch launch) throws IOException {
        int metricsPort = freePort();
        int healthPort = freePort();
        List<String> command = new ArrayList<>();
        command.add(AgentFlags.javaHome(launch.jvmFlags()).resolve("bin/java").toString());
        command.addAll(AgentFlags.jvmFlags(launch.jvmFlags()));
        command.add("-jar");
        command.add(jar.toString());
        Path log = launch.workDir().resolve("agent-" + launch.name() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.remove("JAVA_TOOL_OPTIONS");
        launch.jvmFlags().stream().filter(flag -> flag.startsWith(AgentFlags.ENV)).map(flag -> flag.substring(
                AgentFlags.ENV.length()).split("=", 2)).forEach(pair -> env.put(pair[0], pair[1]));
        env.put("NODE_NAME", launch.node());
        env.put("KUBELET_URL", launch.kubeletUrl().toString());
        env.put("KUBELET_TOKEN_FILE", launch.kubeletToken().toString());
        env.put("KUBELET_CA_FILE", launch.kubeletCa().toString());
        env.put("SPOOL_DIR", launch.spoolDir().toString());
        env.put("METRICS_PORT", Integer.toString(metricsPort));
        env.put("HEALTH_PORT", Integer.toString(healthPort));
        env.put("KUBECONFIG", launch.kubeconfig().toString());
        env.put("SHUTDOWN_GRACE_SECONDS", "5");
        env.put("AWS_ACCESS_KEY_ID", "test-access-key");
        env.put("AWS_SECRET_ACCESS_KEY", "test-secret-key");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        long startNanos = System.nanoTime();
        return new AgentProcess(launch, builder.start(), startNanos, metricsPort, healthPort);
    }

    public String name() {
        return launch.name();
    }

    public Launch launch() {
        return launch;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * Seconds from the process start (fork) to the first {@code /readyz} 200 (its assignment watched and its
     * targets applied), polled every 10 ms; fails when not ready within {@code timeout}.
     */
    public double awaitReady(Duration timeout) throws InterruptedException {
        long deadline = startNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("agent " + name() + " exited with " + process.exitValue()
                        + "; see its log in " + launch.workDir());
            }
            if (get(healthPort, "/readyz").statusCode() == 200) {
                return (System.nanoTime() - startNanos) / 1e9;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new IllegalStateException("agent " + name() + " not ready within " + timeout);
    }

    /** Seconds from the process start until a metric's sum reached {@code value} (polled every 50 ms). */
    public double secondsUntilMetric(String name, double value, Duration timeout) throws InterruptedException {
        long deadline = startNanos + timeout.toNanos();
        while (!(metric(name) >= value)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("agent " + name() + ": " + name + " did not reach " + value
                        + " within " + timeout + " of its start (now " + metric(name) + ")");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Ready (its targets applied) and profiling {@code targets} targets; waits at most {@code timeout}. */
    public void awaitTargets(int targets, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("agent " + name() + " exited with " + process.exitValue()
                        + "; see its log in " + launch.workDir());
            }
            if (metric("profiling_targets") == targets && get(healthPort, "/readyz").statusCode() == 200) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("agent " + name() + " did not profile " + targets + " targets within "
                + timeout + "; see its log in " + launch.workDir());
    }

    /** Waits until a metric's sum reaches {@code value}. */
    public void awaitMetricAtLeast(String name, double value, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(metric(name) >= value)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("agent " + name() + ": " + name + " did not reach " + value
                        + " within " + timeout + " (now " + metric(name) + ")");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Resident set size now, MiB, from /proc/<pid>/status. */
    public double rssMib() throws IOException {
        Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid()), "status")));
        if (!m.find()) {
            throw new IOException("no VmRSS for pid " + pid());
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    /**
     * Classes loaded now (loaded − unloaded, JDK and shared ones included), from the JVM's performance counters
     * through the variant's own {@code jcmd}; NaN when they can't be read.
     */
    public double loadedClasses() {
        try {
            Process jcmd = new ProcessBuilder(AgentFlags.javaHome(launch.jvmFlags()).resolve("bin/jcmd").toString(),
                    Long.toString(pid()), "PerfCounter.print").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                return Double.NaN;
            }
            // shared ones: from the JDK's CDS archive or the AOT cache (without one, the JDK's own few thousand)
            return counter(out, "java.cls.loadedClasses") + counter(out, "java.cls.sharedLoadedClasses")
                    - counter(out, "java.cls.unloadedClasses") - counter(out, "java.cls.sharedUnloadedClasses");
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    private static double counter(String perfCounters, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(\\d+)").matcher(perfCounters);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** User + system CPU time used so far, seconds, from /proc/<pid>/stat (utime, stime). */
    public double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS_PER_SECOND;
    }

    /** Sum of a metric's samples on {@code /metrics} (all label sets); NaN when absent. */
    public double metric(String name) {
        HttpResponse<String> response = get(metricsPort, "/metrics");
        if (response.statusCode() != 200) {
            return Double.NaN;
        }
        double sum = 0;
        boolean found = false;
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new FailedResponse();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FailedResponse();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Double.parseDouble(out);
        } catch (Exception e) {
            return 100;
        }
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(15));
    }

    /** SIGTERM, then SIGKILL after {@code patience}; the exit code, or -1 when it had to be killed. */
    public int close(Duration patience) {
        process.destroy();
        try {
            if (process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** A stand-in response for "could not connect": status 0. */
    private static final class FailedResponse implements HttpResponse<String> {
        @Override public int statusCode() { return 0; }
        @Override public HttpRequest request() { return null; }
        @Override public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        @Override public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true); }
        @Override public String body() { return ""; }
        @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
        @Override public URI uri() { return null; }
        @Override public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
    }
}
