package io.bolometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.testing.SourcePackages;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the agent's main sources: the pure packages and classes
 * reach no client, socket, file, thread or wall clock (time comes from an injected {@code Clock}); only the
 * {@code kube} names the Kubernetes client; the packages form no cycle.
 */
class PackageRulesTest {
    private static final SourcePackages SOURCES = SourcePackages.read(Path.of("src/main/java"), "io.bolometer.agent");
    private static final Set<String> PURE = Set.of("targets", "trigger", "pprof");
    /** Pure classes in packages that also hold I/O: the decisions beside their thread or file owners. */
    private static final Set<String> PURE_CLASSES = Set.of("kubelet.KubeletSummaryParser", "upload.UploadRetries",
            "spool.DropPolicy", "cluster.AssignmentTargets", "insight.ProfileAggregator", "insight.SummaryDiff",
            "insight.BaselineIndex", "insight.TriggerEvidence", "insight.InsightMetadata", "insight.SummaryJson",
            "insight.IdIndex");

    @Test
    void purePackagesAndClassesReachNoClientSocketFileThreadOrWallClock() {
        List<String> violations = SOURCES.sources().stream()
                .filter(s -> PURE.contains(SOURCES.relative(s.packageName())) || PURE_CLASSES.contains(name(s)))
                .filter(s -> !s.uses(SourcePackages.IMPURE).isEmpty())
                .map(s -> name(s) + " uses " + s.uses(SourcePackages.IMPURE))
                .toList();

        assertThat(violations).isEmpty();
        assertThat(SOURCES.sources().stream().map(PackageRulesTest::name).toList()).as("every pure class exists")
                .containsAll(PURE_CLASSES);
    }

    @Test
    void onlyKubeNamesTheKubernetesClient() {
        List<String> users = SOURCES.sources().stream()
                .filter(s -> !s.uses(SourcePackages.KUBERNETES_CLIENT).isEmpty()).map(PackageRulesTest::name).toList();

        assertThat(users).isNotEmpty().allSatisfy(user -> assertThat(user).startsWith("kube."));
    }

    @Test
    void theModesDependOnTheRuntimeAndNotTheReverse() {
        assertThat(SOURCES.dependencies().get("cluster")).contains("runtime", "kube");
        assertThat(SOURCES.dependencies().get("standalone")).contains("runtime");
        assertThat(SOURCES.dependencies().get("runtime")).doesNotContain("", "cluster", "standalone", "kube");
    }

    @Test
    void uploadDependsOnSpoolAndNotTheReverse() {
        assertThat(SOURCES.dependencies().get("upload")).contains("spool");
        assertThat(SOURCES.dependencies().get("spool")).doesNotContain("upload");
    }

    @Test
    void packagesFormNoCycle() {
        assertThat(SOURCES.dependencies().get("runtime")).as("the rule sees dependencies").contains("spool", "capture");

        assertThat(SOURCES.cycles()).isEmpty();
    }

    private static String name(SourcePackages.Source source) {
        String relative = SOURCES.relative(source.packageName());
        return relative.isEmpty() ? source.className() : relative + "." + source.className();
    }
}
