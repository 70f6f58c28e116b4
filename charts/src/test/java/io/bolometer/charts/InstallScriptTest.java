package io.bolometer.charts;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs install.sh --dry-run against a fake kubectl (and, once, a fake helm) that log their arguments: the plan is
 * printed, only read-only commands reach the cluster. PATH holds nothing but the fakes and the few tools the
 * script needs, so a real kubectl or helm on this machine can never be called.
 */
class InstallScriptTest {

    private static final List<String> READ_ONLY = List.of("config current-context", "version ", "auth can-i ",
            "api-versions");

    @TempDir
    Path bin;
    Path log;
    boolean oldServer;

    record Result(int exitCode, String output, List<String> calls) {
    }

    @BeforeEach
    void fakeTools() throws IOException, InterruptedException {
        log = bin.resolve("calls.log");
        Files.createFile(log);
        for (String tool : List.of("bash", "sh", "cat", "dirname", "grep", "sed")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
        }
        writeFake("kubectl", """
                case "$1" in
                  version) echo 'Client Version: v1.30.0'; echo 'Server Version: v1.30.0' ;;
                  auth) if [ "$3 $4" = "${DENY:-none}" ]; then echo no; exit 1; else echo yes; fi ;;
                  config) echo fake-context ;;
                  api-versions) echo v1; echo apps/v1; [ -n "${OLD_SERVER:-}" ] || echo policy/v1; echo policy/v1beta1 ;;
                esac
                """);
    }

    private static String which(String tool) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", "command -v " + tool).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private void writeFake(String name, String body) throws IOException {
        Path fake = bin.resolve(name);
        Files.writeString(fake, "#!/bin/sh\necho \"" + name + " $*\" >> '" + log + "'\n" + body);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result install(String deny, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(bin.resolve("bash").toString(),
                ChartRenderer.repoRoot().resolve("install.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("HOME", bin.toString());
        if (deny != null) {
            pb.environment().put("DENY", deny);
        }
        if (oldServer) {
            pb.environment().put("OLD_SERVER", "1");
        }
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("install.sh finished within 30 s").isTrue();
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readAllLines(log));
    }

    private static void assertOnlyReadOnlyCalls(Result r) {
        assertThat(r.calls()).as("calls to the cluster").isNotEmpty().allSatisfy(call ->
                assertThat(READ_ONLY).as("read-only call: %s", call)
                        .anyMatch(prefix -> call.startsWith("kubectl " + prefix)));
    }

    @Test
    void dryRunWithKubectlPrintsThePlanAndOnlyReadsFromTheCluster() throws Exception {
        Result r = install(null, "--dry-run", "--yes", "--bucket", "b", "--region", "r");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains(
                "[dry-run] would run: kubectl apply -f " + ChartRenderer.repoRoot().resolve("deploy/crds") + "/",
                "[dry-run] would run: kubectl apply -f " + ChartRenderer.repoRoot().resolve("deploy/bolometer.yaml"),
                "[dry-run] would run: kubectl -n bolometer-system set env daemonset/bolometer-agent AWS_REGION=r",
                "kind: ProfilingConfig", "bucket: \"b\"", "region: \"r\"", "prefix: \"profiles\"",
                "rollout status deployment/bolometer-coordinator --timeout=300s",
                "rollout status daemonset/bolometer-agent --timeout=300s",
                "would verify that daemonset/bolometer-agent has one ready agent per node",
                "no --role-arn");
        assertThat(r.output()).doesNotContain("annotate serviceaccount");
        assertThat(r.calls()).contains("kubectl version --request-timeout=15s",
                "kubectl auth can-i create customresourcedefinitions.apiextensions.k8s.io --request-timeout=15s",
                "kubectl auth can-i create daemonsets.apps -n bolometer-system --request-timeout=15s");
        assertOnlyReadOnlyCalls(r);
    }

    @Test
    void appliesThePodDisruptionBudgetAsV1beta1WhereTheServerHasNoPolicyV1() throws Exception {
        oldServer = true;
        Result r = install(null, "--dry-run", "--yes", "--bucket", "b", "--region", "r");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("does not serve policy/v1", "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget")
                .doesNotContain("apiVersion: policy/v1\n");
        assertOnlyReadOnlyCalls(r);
    }

    @Test
    void dryRunAnnotatesTheAgentServiceAccountWhenGivenARole() throws Exception {
        Result r = install(null, "--dry-run", "--yes", "--bucket", "my-profiles", "--region", "us-west-2",
                "--role-arn", "arn:aws:iam::123456789012:role/bolometer");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("[dry-run] would run: kubectl -n bolometer-system annotate serviceaccount "
                + "bolometer-agent --overwrite eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/bolometer");
        assertOnlyReadOnlyCalls(r);
    }

    @Test
    void dryRunPrefersHelmWhenItIsOnThePath() throws Exception {
        writeFake("helm", "echo 'version.BuildInfo{Version:\"v3.16.0\"}'\n");
        Result r = install(null, "--dry-run", "--yes", "--bucket", "b", "--region", "r", "--namespace", "profiling",
                "--role-arn", "arn:aws:iam::123456789012:role/bolometer");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("[dry-run] would run: helm upgrade --install bolometer "
                + ChartRenderer.chartDir() + " --namespace profiling --create-namespace",
                "defaultConfig.s3.bucket=b", "agent.awsRegion=r",
                "serviceAccount.annotations.eks\\\\.amazonaws\\\\.com/role-arn=arn:aws:iam::123456789012:role/bolometer",
                "kubectl -n profiling rollout status daemonset/bolometer-agent");
        assertThat(r.calls()).noneMatch(call -> call.startsWith("helm"));
        assertOnlyReadOnlyCalls(r);
    }

    @Test
    void refusesToRunWithoutABucketWhenNoTerminalCanAsk() throws Exception {
        Result r = install(null, "--dry-run", "--yes", "--region", "r");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("--bucket is required");
        assertThat(r.calls()).isEmpty();
    }

    @Test
    void stopsBeforeChangingAnythingWhenAPermissionIsMissing() throws Exception {
        Result r = install("create customresourcedefinitions.apiextensions.k8s.io", "--yes", "--bucket", "b", "--region", "r");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("missing permissions: create customresourcedefinitions.apiextensions.k8s.io");
        assertOnlyReadOnlyCalls(r);
    }

    @Test
    void refusesANamespaceTheRenderedManifestsWereNotMadeFor() throws Exception {
        Result r = install(null, "--dry-run", "--yes", "--bucket", "b", "--region", "r", "--method", "kubectl",
                "--namespace", "elsewhere");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("deploy/ is rendered for namespace bolometer-system");
    }
}
