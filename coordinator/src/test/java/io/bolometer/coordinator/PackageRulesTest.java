package io.bolometer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.testing.SourcePackages;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on this module's main sources: {@code planning} (and the
 * pure rules beside their thread owners) reach no client, socket, file, thread or wall clock; only {@code kube}
 * names the Kubernetes client, apart from the composition root ({@code Main} builds the client, {@code Coordinator}
 * hands it to {@code kube}); the packages form no cycle.
 */
class PackageRulesTest {
    private static final SourcePackages SOURCES = SourcePackages.read(Path.of("src/main/java"), "io.bolometer.coordinator");
    /** Pure packages. */
    private static final Set<String> PURE = Set.of("planning");
    /** Pure classes in packages that are not: the decisions taken out of thread owners. */
    private static final Set<String> PURE_CLASSES = Set.of("controller.Coalescing");
    /** The composition root's classes that may name the client type to hand it over. */
    private static final Set<String> ROOT_CLIENT_USERS = Set.of("Main", "Coordinator");

    @Test
    void purePackagesAndClassesReachNoClientSocketFileThreadOrWallClock() {
        List<String> violations = SOURCES.sources().stream()
                .filter(s -> PURE.contains(SOURCES.relative(s.packageName()))
                        || PURE_CLASSES.contains(SOURCES.relative(s.packageName()) + "." + s.className()))
                .filter(s -> !s.uses(SourcePackages.IMPURE).isEmpty())
                .map(s -> s.packageName() + "." + s.className() + " uses " + s.uses(SourcePackages.IMPURE))
                .toList();

        assertThat(violations).isEmpty();
        assertThat(SOURCES.inPackage("planning")).as("the rule sees the planning package").hasSizeGreaterThan(10);
    }

    @Test
    void onlyKubeNamesTheKubernetesClient() {
        List<String> violations = SOURCES.sources().stream()
                .filter(s -> !SOURCES.relative(s.packageName()).equals("kube"))
                .filter(s -> !(SOURCES.relative(s.packageName()).isEmpty() && ROOT_CLIENT_USERS.contains(s.className())))
                .filter(s -> !s.uses(SourcePackages.KUBERNETES_CLIENT).isEmpty())
                .map(s -> s.packageName() + "." + s.className()).toList();

        assertThat(violations).isEmpty();
        assertThat(SOURCES.inPackage("kube")).as("the rule sees the kube package")
                .anyMatch(s -> !s.uses(SourcePackages.KUBERNETES_CLIENT).isEmpty());
    }

    @Test
    void packagesFormNoCycle() {
        assertThat(SOURCES.dependencies()).as("the rule sees dependencies").containsKey("controller")
                .satisfies(d -> assertThat(d.get("controller")).contains("planning", "kube"));

        assertThat(SOURCES.cycles()).isEmpty();
    }

    @Test
    void planningDependsOnNoOtherPackageOfTheCoordinator() {
        assertThat(SOURCES.dependencies().get("planning")).isEmpty();
    }
}
