package io.bolometer.bench;

import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.testing.S3TestServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * {@code make bench}: the packaged agent (child processes, one per JVM flag set) against Go pods on loopback, a
 * fake kubelet, s3mock behind a timing proxy and the mock API server; the plain baselines in the same run; the
 * coordinator and API-request programs in child JVMs; one flat {@code results.json} and a goal table.
 *
 * <p>Options ({@code --name=value}): {@code out}, {@code pods} (110), {@code steady-seconds} (600),
 * {@code check-seconds} (10), {@code crossings} (40, memory), {@code cpu-crossings} (20), {@code wave} (20),
 * {@code overhead-samples} (20), {@code throughput-seconds} (40), {@code variants}
 * (image,jdk17,jdk25,jdk25-coh,jdk25-coh-aot; see {@link AgentFlags}), {@code ready-repeats} (3 starts per
 * variant for start → ready),
 * {@code programs} (true), {@code program-timeout-seconds} (480), {@code agent-jar}.
 */
public final class BenchMain {
    private static final String TOKEN = "bench-kubelet-token";
    private static final String DEFAULT_VARIANTS = "image,jdk17,jdk25,jdk25-coh,jdk25-coh-aot";

    private BenchMain() {
    }

    /**
     * One requested capture of every pod per agent, one agent after the other (all at once would be 4 × 220
     * fetches from the one Go process playing every pod). Waits for most of them to be stored; never fails the run:
     * it only evens out the agents' history.
     */
    private static void warmUpCaptures(BenchCluster cluster, List<String> variants, PodFleet fleet,
                                       TimingS3Proxy proxy) throws InterruptedException {
        long perAgent = (long) fleet.count() * BenchCluster.TYPES.size();
        for (String variant : variants) {
            long since = UsageModel.nowNanos();
            cluster.requestCaptures("bench-" + variant, i -> "warm-up-" + i);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
            long stored = 0;
            while (stored < perAgent * 9 / 10 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                stored = proxy.puts().stream().filter(put -> put.doneNanos() >= since
                        && put.bucket().equals(BenchCluster.BUCKET) && put.key().startsWith("profiles/")).count();
            }
            log("Warm-up of %s: %d of %d profiles stored", variant, stored, perAgent);
        }
    }

    /**
     * One AOT cache per variant that names one ({@code -XX:AOTCache=}), each from its own training run against the
     * bench's parts, before any measured agent starts (a training run's captures would disturb them).
     */
    private static Map<String, Path> trainAotCaches(Path jar, List<String> variants, AotTraining.Rig rig, Vertx vertx,
                                                    List<AutoCloseable> closeables) throws Exception {
        Map<String, Path> caches = new HashMap<>();
        for (String variant : variants) {
            List<String> flags = AgentFlags.VARIANTS.get(variant);
            if (flags == null || AgentFlags.aotCache(flags) == null) {
                continue;
            }
            String node = "bench-training-" + variant;
            UsageModel model = new UsageModel(rig.fleet().count());
            FakeKubelet kubelet = FakeKubelet.start(vertx, TOKEN).serve(() -> model.summary(node));
            closeables.add(kubelet);
            log("Training the AOT cache of %s", variant);
            caches.put(variant, AotTraining.train(jar, flags, rig.workDir().resolve("aot-" + variant + ".aot"),
                    kubelet, node, rig));
        }
        return caches;
    }

    /** The load averages (1, 5, 15 min) as /proc/loadavg has them: the machine's load beside each figure. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double loadAverage1m() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        // Ctrl-C (or a timeout's SIGTERM) must not leave agents, Go pods or the coordinator runs behind.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly), "bench-cleanup"));
        Path root = GoToolchain.repoRoot();
        Path out = root.resolve(options.getOrDefault("out", "target/bench/results.json"));
        Results results;
        try {
            results = run(root, options, out.getParent());
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // s3mock's and Vert.x's non-daemon threads would keep a failed run alive
            return;
        }
        List<Goal> goals = Results.goals(Double.parseDouble(options.getOrDefault("check-seconds", "10")));
        for (Goal goal : goals) {
            results.notMeasured(goal.key());
        }
        results.write(out);
        System.out.println();
        System.out.print(results.table(goals));
        System.out.println("\nResults: " + out);
        System.exit(0); // s3mock's Spring context keeps non-daemon threads
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            words.addAll(List.of(arg.trim().split("\\s+")));
        }
        for (String arg : words) {
            if (arg.isEmpty()) {
                continue;
            }
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("options are --name=value, not " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }

    static Results run(Path root, Map<String, String> o, Path workDir) throws Exception {
        int podCount = Integer.parseInt(o.getOrDefault("pods", "110"));
        double steady = Double.parseDouble(o.getOrDefault("steady-seconds", "600"));
        int check = Integer.parseInt(o.getOrDefault("check-seconds", "10"));
        int crossings = Integer.parseInt(o.getOrDefault("crossings", "40"));
        int cpuCrossings = Integer.parseInt(o.getOrDefault("cpu-crossings", "20"));
        int wave = Integer.parseInt(o.getOrDefault("wave", "20"));
        int overheadSamples = Integer.parseInt(o.getOrDefault("overhead-samples", "20"));
        double throughputSeconds = Double.parseDouble(o.getOrDefault("throughput-seconds", "40"));
        List<String> variants = List.of(o.getOrDefault("variants", DEFAULT_VARIANTS).split(","));
        boolean programs = Boolean.parseBoolean(o.getOrDefault("programs", "true"));
        Path jar = root.resolve(o.getOrDefault("agent-jar", "node-agent/target/bolometer-node-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: mvn -pl node-agent -am package -DskipTests");
        }
        if (crossings + cpuCrossings > podCount) {
            throw new IllegalArgumentException("crossings use distinct pods: crossings + cpu-crossings <= pods");
        }
        Files.createDirectories(workDir);
        Results results = new Results();
        long benchStart = System.nanoTime();
        log("Building and starting the parts: %d Go pods, fake kubelets, s3mock, mock API server", podCount);
        Vertx vertx = Vertx.vertx();
        S3TestServer s3 = S3TestServer.shared();
        s3.createBucket(BenchCluster.BUCKET);
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            TimingS3Proxy proxy = TimingS3Proxy.start(vertx, s3.endpoint());
            closeables.add(proxy);
            BenchCluster cluster = BenchCluster.start(vertx);
            closeables.add(cluster);
            PodFleet fleet = PodFleet.start(PodFleet.build(), podCount, workDir.resolve("bench-pods.log"));
            closeables.add(0, fleet);
            Path kubeconfig = cluster.writeKubeconfig(workDir);
            Path token = Files.writeString(workDir.resolve("kubelet-token"), TOKEN);

            Map<String, UsageModel> usage = new HashMap<>();
            List<AgentProcess> agents = new ArrayList<>();
            Map<String, Path> caches = trainAotCaches(jar, variants, new AotTraining.Rig(cluster, fleet,
                    proxy.endpoint(), kubeconfig, token, check, workDir), vertx, closeables);
            int readyRepeats = Integer.parseInt(o.getOrDefault("ready-repeats", "3"));
            Map<String, Double> readyMedians = new LinkedHashMap<>();
            for (String variant : variants) {
                List<String> flags = AgentFlags.VARIANTS.get(variant);
                if (caches.containsKey(variant)) {
                    flags = AotTraining.usingCache(flags, caches.get(variant));
                }
                String node = "bench-" + variant;
                UsageModel model = new UsageModel(podCount);
                usage.put(variant, model);
                FakeKubelet kubelet = FakeKubelet.start(vertx, TOKEN).serve(() -> model.summary(node));
                closeables.add(kubelet);
                cluster.assign(node, fleet, check, proxy.endpoint());
                AgentProcess.Launch launch = new AgentProcess.Launch(variant, flags, node, kubelet.uri(), token,
                        kubelet.caCertPath(), kubeconfig, workDir).withFreshSpool();
                // Start → ready, one agent at a time (agents starting together would slow each other down):
                // earlier starts are measured and stopped, the last one stays for the rest of the run.
                List<Double> ready = new ArrayList<>();
                for (int r = 1; r < readyRepeats; r++) {
                    try (AgentProcess trial = AgentProcess.start(jar, launch)) {
                        ready.add(trial.awaitReady(Duration.ofSeconds(120)));
                    }
                }
                AgentProcess agent = AgentProcess.start(jar, launch);
                closeables.add(0, agent);
                agents.add(agent);
                ready.add(agent.awaitReady(Duration.ofSeconds(120)));
                double firstCheck = agent.secondsUntilMetric("profiling_threshold_checks_total", podCount,
                        Duration.ofSeconds(3L * check + 120));
                String suffix = "_" + variant.replace('-', '_');
                readyMedians.put(variant, Stats.median(ready));
                results.put("agent_ready_seconds" + suffix, Stats.median(ready));
                results.put("agent_ready_seconds_max" + suffix, Stats.max(ready));
                results.put("agent_first_check_seconds" + suffix, firstCheck);
                log("Agent %s: start -> ready %s s (median %.2f), -> first check of every pod %.2f s (load %s)",
                        variant, ready.stream().map(t -> String.format("%.2f", t)).toList(), Stats.median(ready),
                        firstCheck, loadAverage());
            }
            results.put("agent_ready_seconds", readyMedians.get(variants.get(0)));
            results.put("agent_ready_seconds_by_variant", readyMedians);
            results.put("agent_ready_repeats", readyRepeats);
            results.put("load_average_1m_after_start", loadAverage1m());
            for (AgentProcess agent : agents) {
                agent.awaitTargets(podCount, Duration.ofSeconds(120));
            }
            // Start-up (first TLS handshake to the kubelet, class loading) is not steady state: let every agent
            // finish two checks of every pod before anything is measured.
            for (AgentProcess agent : agents) {
                agent.awaitMetricAtLeast("profiling_threshold_checks_total", 2.0 * podCount,
                        Duration.ofSeconds(3L * check + 60));
            }
            AgentProcess primary = agents.get(0);
            String node = primary.launch().node();
            long steadyStart = System.nanoTime();
            log("Agents ready (%s); steady state runs %.0f s from now", String.join(", ", variants), steady);
            results.put("agent_start_seconds", (steadyStart - benchStart) / 1e9);

            // 1. Trigger latency, while the agents warm up (only the primary's kubelet reports crossings).
            Random random = new Random(42);
            List<Integer> order = IntStream.range(0, podCount).boxed().collect(java.util.stream.Collectors.toList());
            java.util.Collections.shuffle(order, random);
            Duration interval = Duration.ofSeconds(check);
            TriggerLatency.Outcome memory = TriggerLatency.measure(fleet, usage.get(variants.get(0)),
                    order.subList(0, crossings), TriggerLatency.Kind.MEMORY, interval, wave, random);
            TriggerLatency.Outcome cpu = TriggerLatency.measure(fleet, usage.get(variants.get(0)),
                    order.subList(crossings, crossings + cpuCrossings), TriggerLatency.Kind.CPU, interval, wave,
                    random);
            recordTrigger(results, memory, cpu, check);

            // Every agent, not only the primary, goes through the capture path once before the steady state, so
            // the flag sets are compared on equal terms (a JVM that has captured holds more classes and buffers).
            warmUpCaptures(cluster, variants, fleet, proxy);

            // 2. The other programs, in their own JVMs, while the agents keep running.
            if (programs) {
                for (ChildPrograms.Program program : ChildPrograms.PROGRAMS) {
                    log("Running %s", program.className());
                    ChildPrograms.Run run = ChildPrograms.run(root, program, workDir,
                            Duration.ofSeconds(Long.parseLong(o.getOrDefault("program-timeout-seconds", "480"))));
                    log("%s: %s (%.0f s)", program.className(), run.outcome(), run.seconds());
                    results.put(program.secondsKey(), run.seconds());
                    if (run.measured()) {
                        results.merge(run.fragment());
                    }
                }
            }

            // 3. The quiet window: CPU over its length, RSS at its end.
            measureSteadyState(results, agents, cluster, steadyStart, steady, check);

            // 4. Capture overhead against the plain path, same endpoints: every variant in turn, the headline first.
            log("Capture overhead: %d samples per variant", overheadSamples);
            try (CaptureOverhead overhead = new CaptureOverhead(proxy.endpoint())) {
                Map<String, Double> ratios = new LinkedHashMap<>();
                for (AgentProcess agent : agents) {
                    CaptureOverhead.Outcome outcome = overhead.measure(cluster, agent.launch().node(), fleet, proxy,
                            3, overheadSamples);
                    double agentMedian = Stats.median(outcome.agentSeconds());
                    double plainMedian = Stats.median(outcome.baselineSeconds());
                    ratios.put(agent.name(), agentMedian / plainMedian);
                    results.put("capture_overhead_ratio_" + agent.name().replace('-', '_'), agentMedian / plainMedian);
                    log("Capture overhead of %s: %.3f (agent %.1f ms, plain %.1f ms; load %s)", agent.name(),
                            agentMedian / plainMedian, agentMedian * 1e3, plainMedian * 1e3, loadAverage());
                    if (agent != primary) {
                        continue;
                    }
                    results.put("capture_overhead_ratio", agentMedian / plainMedian);
                    results.put("capture_agent_seconds_median", agentMedian);
                    results.put("capture_agent_seconds_p90", Stats.percentile(outcome.agentSeconds(), 90));
                    results.put("capture_plain_seconds_median", plainMedian);
                    results.put("capture_plain_seconds_p90", Stats.percentile(outcome.baselineSeconds(), 90));
                    results.put("capture_samples", outcome.agentSeconds().size());
                    results.put("capture_profile_bytes", outcome.profileBytes());
                }
                results.put("capture_overhead_ratio_by_variant", ratios);
                results.put("load_average_1m_after_overhead", loadAverage1m());
            }

            // 5. Throughput at half a core.
            log("Throughput: rounds of %d requested captures for at least %.0f s", podCount, throughputSeconds);
            Throughput.Outcome tp = Throughput.measure(cluster, node, primary, fleet, proxy, throughputSeconds, 0);
            // The wall-clock rate measures the agent only when the cap binds (it used ≥ 90 % of its half core);
            // otherwise the rest of the machine (s3mock, the Go pods, other load) was the limit, and the rate per
            // agent CPU-second, scaled to half a core, is the agent's figure. Both are recorded.
            double coresUsed = tp.agentCpuSeconds() / tp.wallSeconds();
            boolean capBinds = !tp.capMethod().startsWith("none") && coresUsed >= 0.45;
            results.put("profiles_per_s_at_half_core", capBinds ? tp.wallRate() : tp.cpuDerivedRateAtHalfCore());
            results.put("throughput_agent_cores_used", coresUsed);
            results.put("throughput_wall_profiles_per_s", tp.wallRate());
            results.put("throughput_cpu_derived_profiles_per_s_at_half_core", tp.cpuDerivedRateAtHalfCore());
            results.put("throughput_profiles", tp.profiles());
            results.put("throughput_seconds", tp.wallSeconds());
            results.put("throughput_agent_cpu_seconds", tp.agentCpuSeconds());
            results.put("throughput_rounds", tp.rounds());
            results.put("throughput_cap_method", tp.capMethod());
            results.put("agent_rss_mib_after_throughput", primary.rssMib());
            for (AgentProcess agent : agents) {
                if (!agent.alive()) {
                    throw new IllegalStateException("agent " + agent.name() + " died during the bench");
                }
            }
        } finally {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("bench: closing " + c + " failed: " + e);
                }
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        results.put("bench_wall_seconds", (System.nanoTime() - benchStart) / 1e9);
        results.put("machine_cpus", Runtime.getRuntime().availableProcessors());
        results.put("pods", podCount);
        results.put("check_interval_seconds", check);
        results.put("java_version", System.getProperty("java.version"));
        results.put("finished_at", Instant.now().toString());
        return results;
    }

    private static void recordTrigger(Results results, TriggerLatency.Outcome memory, TriggerLatency.Outcome cpu,
                                      int check) {
        log("Trigger latency: memory p50 %.2f s p99 %.2f s (%d missed); cpu p50 %.2f s p99 %.2f s (%d missed)",
                Stats.median(memory.latencies()), Stats.percentile(memory.latencies(), 99), memory.missed(),
                Stats.median(cpu.latencies()), Stats.percentile(cpu.latencies(), 99), cpu.missed());
        // a missed crossing counts as infinitely late: the p99 is then not a number and the goal is missed
        results.put("trigger_latency_p99_seconds", memory.missed() > 0 ? Double.NaN
                : Stats.percentile(memory.latencies(), 99));
        results.put("trigger_latency_p50_seconds", Stats.median(memory.latencies()));
        results.put("trigger_latency_max_seconds", Stats.max(memory.latencies()));
        results.put("trigger_crossings", memory.latencies().size() + memory.missed());
        results.put("trigger_missed", memory.missed());
        results.put("trigger_latency_cpu_p99_seconds", cpu.missed() > 0 ? Double.NaN
                : Stats.percentile(cpu.latencies(), 99));
        results.put("trigger_latency_cpu_p50_seconds", Stats.median(cpu.latencies()));
        results.put("trigger_cpu_crossings", cpu.latencies().size() + cpu.missed());
        results.put("trigger_cpu_missed", cpu.missed());
        results.put("trigger_goal_seconds", check + 1);
    }

    /**
     * Measures CPU over the quiet tail of the steady state: from whichever is later, half-way through it or a
     * settling pause after the busy start, to its end; the window is never shorter than 30 % of the steady state
     * (the end moves out instead). RSS is read at the end.
     */
    private static void measureSteadyState(Results results, List<AgentProcess> agents, BenchCluster cluster,
                                           long steadyStart, double steady, int check) throws Exception {
        double elapsed = (System.nanoTime() - steadyStart) / 1e9;
        double settle = Math.min(20, steady * 0.1);
        double windowStart = Math.max(elapsed + settle, steady * 0.5);
        double windowEnd = Math.max(steady, windowStart + steady * 0.3);
        log("Quiet window: CPU from %.0f s to %.0f s of the steady state", windowStart, windowEnd);
        sleepUntil(steadyStart, windowStart);
        double[] cpuStart = new double[agents.size()];
        for (int i = 0; i < agents.size(); i++) {
            cpuStart[i] = agents.get(i).cpuSeconds();
        }
        double[] checksStart = agents.stream().mapToDouble(a -> a.metric("profiling_threshold_checks_total")).toArray();
        long apiStart = cluster.requestCount();
        long t0 = System.nanoTime();
        sleepUntil(steadyStart, windowEnd);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long apiRequests = cluster.requestCount() - apiStart;
        Map<String, Double> rssByVariant = new LinkedHashMap<>();
        Map<String, Double> cpuByVariant = new LinkedHashMap<>();
        Map<String, Double> classesByVariant = new LinkedHashMap<>();
        for (int i = 0; i < agents.size(); i++) {
            AgentProcess agent = agents.get(i);
            if (!agent.alive()) {
                throw new IllegalStateException("agent " + agent.name() + " died during the steady state");
            }
            double millicores = (agent.cpuSeconds() - cpuStart[i]) / seconds * 1000;
            double rss = agent.rssMib();
            String suffix = "_" + agent.name().replace('-', '_');
            results.put("agent_rss_mib" + suffix, rss);
            results.put("agent_cpu_millicores" + suffix, millicores);
            rssByVariant.put(agent.name(), rss);
            cpuByVariant.put(agent.name(), millicores);
            classesByVariant.put(agent.name(), agent.loadedClasses());
            if (i == 0) {
                results.put("agent_rss_mib", rss);
                results.put("agent_cpu_millicores", millicores);
                double checks = agent.metric("profiling_threshold_checks_total") - checksStart[i];
                results.put("steady_pod_checks", checks);
            }
            log("Agent %s: RSS %.1f MiB, CPU %.2f mCPU over %.0f s, %.0f classes loaded", agent.name(), rss,
                    millicores, seconds, classesByVariant.get(agent.name()));
        }
        results.put("agent_rss_mib_by_variant", rssByVariant);
        results.put("agent_cpu_millicores_by_variant", cpuByVariant);
        results.put("agent_loaded_classes_by_variant", classesByVariant);
        results.put("load_average_1m_steady_end", loadAverage1m());
        log("Load average at the end of the quiet window: %s", loadAverage());
        results.put("steady_state_seconds", windowEnd);
        results.put("cpu_window_seconds", seconds);
        // every agent's requests to the mock API server during the quiet window, per check of one agent
        double checksPerAgent = seconds / check;
        results.put("steady_mock_api_requests", apiRequests);
        results.put("steady_mock_api_requests_per_check_per_node", apiRequests / (checksPerAgent * agents.size()));
    }

    private static void sleepUntil(long startNanos, double secondsAfter) throws InterruptedException {
        long target = startNanos + (long) (secondsAfter * 1e9);
        long left;
        while ((left = target - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.SECONDS.toNanos(5)));
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[bench %s] %s%n", Instant.now().toString().substring(11, 19), String.format(format, args));
    }
}
