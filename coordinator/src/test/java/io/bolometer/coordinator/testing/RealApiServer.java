package io.bolometer.coordinator.testing;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubeapitest.KubeAPIServerConfig;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.binary.BinaryManager;
import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubeapitest.kubeconfig.KubeConfig;
import io.fabric8.kubeapitest.process.EtcdProcess;
import io.fabric8.kubeapitest.process.KubeAPIServerProcess;
import io.fabric8.kubeapitest.process.ProcessReadinessChecker;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real kube-apiserver v1.20.2 + etcd for one test class, through {@code io.fabric8:kube-api-test}, bound to
 * 127.0.0.1, with an audit log of writes. Register it as {@code @RegisterExtension static final RealApiServer API =
 * new RealApiServer();}; tests then use {@link #client()}, {@link #kubectl()}, {@link #installCrds()} and
 * {@link #auditLog()}. Missing binaries skip the class with a loud reason, or fail it under {@code CI=true}.
 *
 * <p>It is assembled from kube-api-test's public parts (as its {@code KubeAPIServer} does) rather than through that
 * class, so that {@link #crashApiServer()} / {@link #restartApiServer()} can kill and restart only the kube-apiserver
 * process, on the same port with the same flags, while etcd keeps running with its data: the restart a real cluster's
 * control plane goes through.
 */
public final class RealApiServer implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
    public static final List<String> CRD_FILES =
            List.of("profilingconfigs.profiling.io-v1.yml", "profilingassignments.profiling.io-v1.yml");

    private final List<KubernetesClient> clients = new ArrayList<>();
    private static final int STARTUP_MILLIS = 60_000;

    private KubeAPIServerConfig config;
    private BinaryManager binaryManager;
    private CertManager certManager;
    private EtcdProcess etcd;
    /** The first kube-apiserver, started by kube-api-test; null once crashed. */
    private KubeAPIServerProcess apiServer;
    /** A kube-apiserver restarted by {@link #restartApiServer()}; null while the first one runs or while down. */
    private Process restarted;
    private List<String> apiServerCommand;
    private int port;
    private Path workDir;
    private String kubeConfigYaml;
    private Path kubeconfigFile;
    private AuditLog auditLog;
    private Kubectl kubectl;

    /** Disabled (reported as skipped, with the reason) when the binaries are missing; throws under CI=true. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return ApiServerBinaries.fromEnvironment().missingReason().map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("kube-apiserver v" + ApiServerBinaries.VERSION + " found"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        ApiServerBinaries binaries = ApiServerBinaries.fromEnvironment();
        workDir = Files.createTempDirectory("bolometer-kapi-");
        Path policy = Files.writeString(workDir.resolve("audit-policy.yaml"), AuditLog.POLICY);
        auditLog = new AuditLog(workDir.resolve("audit.log"));
        config = KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(binaries.testDir().toString())
                .withApiServerVersion(ApiServerBinaries.VERSION)
                .withApiServerFlag("--bind-address", "127.0.0.1")
                .withApiServerFlag("--advertise-address", "127.0.0.1")
                .withApiServerFlag("--audit-policy-file", policy.toString())
                .withApiServerFlag("--audit-log-path", auditLog.file().toString())
                .withStartupTimeout(STARTUP_MILLIS)
                .build();
        long started = System.nanoTime();
        binaryManager = new BinaryManager(config);
        binaryManager.initAndDownloadIfRequired();
        certManager = new CertManager(config.getKubeAPITestDir());
        certManager.createCertificatesIfNeeded();
        etcd = new EtcdProcess(binaryManager, p -> System.err.println("etcd stopped unexpectedly"),
                config.isWaitForEtcdHealthCheckOnStartup(), STARTUP_MILLIS);
        int etcdPort = etcd.startEtcd();
        apiServer = new KubeAPIServerProcess(certManager, binaryManager,
                p -> System.err.println("kube-apiserver stopped unexpectedly"), config);
        port = apiServer.startApiServer(etcdPort);
        apiServer.waitUntilReady();
        System.out.printf("Real kube-apiserver v%s ready for %s in %d ms%n", ApiServerBinaries.VERSION,
                context.getDisplayName(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        kubeConfigYaml = new KubeConfig(certManager, binaryManager).generateKubeConfigYaml(port);
        kubeconfigFile = Files.writeString(workDir.resolve("kubeconfig.yaml"), kubeConfigYaml);
        kubectl = new Kubectl(binaries.kubectl(), kubeconfigFile, workDir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        clients.forEach(KubernetesClient::close);
        clients.clear();
        stopApiServer();
        if (etcd != null) {
            etcd.stopEtcd();
            etcd.cleanEtcdData();
        }
    }

    /** The port the kube-apiserver listens on (127.0.0.1), the same across restarts. */
    public int port() {
        return port;
    }

    /** Kills the kube-apiserver process (SIGKILL, as a crash); etcd keeps running with every object. */
    public void crashApiServer() {
        if (apiServerCommand == null) {
            apiServerCommand = commandOf(port).orElseThrow(
                    () -> new IllegalStateException("no kube-apiserver child process listens on port " + port));
        }
        stopApiServer();
    }

    /**
     * Starts the kube-apiserver again with the flags and port of the first one (the same etcd, certificates and
     * audit log) and waits, bounded, until it answers {@code /readyz}.
     */
    public void restartApiServer() throws IOException {
        if (apiServerCommand == null || apiServer != null || restarted != null) {
            throw new IllegalStateException("crashApiServer() first");
        }
        restarted = new ProcessBuilder(apiServerCommand).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("kube-apiserver-restarted.log").toFile()))
                .start();
        new ProcessReadinessChecker().waitUntilReady(port, "readyz", KubeAPIServerProcess.KUBE_API_SERVER, true,
                STARTUP_MILLIS);
    }

    private void stopApiServer() {
        if (apiServer != null) {
            apiServer.stopApiServer();
            apiServer = null;
        }
        if (restarted != null) {
            try {
                restarted.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            restarted = null;
        }
    }

    /** The command line of this JVM's kube-apiserver child listening on {@code port} (Linux: from /proc). */
    private static Optional<List<String>> commandOf(int port) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/kube-apiserver")).orElse(false))
                .map(p -> {
                    List<String> command = new ArrayList<>();
                    command.add(p.info().command().orElseThrow());
                    command.addAll(List.of(p.info().arguments().orElse(new String[0])));
                    return command;
                })
                .filter(command -> command.indexOf("--secure-port") >= 0
                        && command.get(command.indexOf("--secure-port") + 1).equals(Integer.toString(port)))
                .findFirst();
    }

    /** A fabric8 client (Vert.x 5 HTTP client) with the server's admin credentials; closed after the class. */
    public KubernetesClient client() {
        return client(UnaryOperator.identity());
    }

    /** A client whose config is adjusted first, e.g. a distinct user agent to tell its writes apart in the audit log. */
    public KubernetesClient client(UnaryOperator<Config> adjust) {
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(adjust.apply(Config.fromKubeconfig(kubeConfigYaml))).build();
        clients.add(client);
        return client;
    }

    public String kubeConfigYaml() {
        return kubeConfigYaml;
    }

    public Path kubeconfigFile() {
        return kubeconfigFile;
    }

    public Kubectl kubectl() {
        return kubectl;
    }

    public AuditLog auditLog() {
        return auditLog;
    }

    /** Creates the CRDs generated from the Java types and waits (bounded) until the server serves them. */
    public List<CustomResourceDefinition> installCrds() {
        KubernetesClient client = client();
        List<CustomResourceDefinition> installed = new ArrayList<>();
        for (String file : CRD_FILES) {
            try (InputStream in = RealApiServer.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
                if (in == null) {
                    throw new IllegalStateException(file + " is not on the test classpath: build shared-model first");
                }
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                client.resource(crd).serverSideApply();
                installed.add(awaitEstablished(crd.getMetadata().getName()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return installed;
    }

    /** Waits (bounded) until the server serves the named CRD, however it was created (e.g. by {@code helm install}). */
    public CustomResourceDefinition awaitEstablished(String crdName) {
        try (KubernetesClient client = client()) {
            return client.apiextensions().v1().customResourceDefinitions().withName(crdName)
                    .waitUntilCondition(RealApiServer::established, 30, TimeUnit.SECONDS);
        }
    }

    public static boolean established(CustomResourceDefinition crd) {
        // right after creation the status can exist with no conditions yet
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The names of the two CRDs, derived from the Java types. */
    public static List<String> crdNames() {
        return List.of(CustomResourceDefinitionContext.fromCustomResourceType(ProfilingConfig.class).getName(),
                CustomResourceDefinitionContext.fromCustomResourceType(ProfilingAssignment.class).getName());
    }
}
