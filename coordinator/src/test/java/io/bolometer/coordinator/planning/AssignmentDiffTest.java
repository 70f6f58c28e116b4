package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which assignments a plan creates, replaces and deletes against what the server holds; the rest cost no write. */
class AssignmentDiffTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a first pod on a node", nodes("a", spec("a", "p1")), Map.of(), List.of("a"), List.of(), List.of()),
                Arguments.of("the server holds the plan", nodes("a", spec("a", "p1")), nodes("a", spec("a", "p1")),
                        List.of(), List.of(), List.of()),
                Arguments.of("a pod more on a node", nodes("a", spec("a", "p1", "p2")), nodes("a", spec("a", "p1")),
                        List.of(), List.of("a"), List.of()),
                Arguments.of("the last pod of a node gone", Map.of(), nodes("a", spec("a", "p1")),
                        List.of(), List.of(), List.of("a")),
                Arguments.of("an assignment without a spec", nodes("a", spec("a", "p1")), nodes("a", null),
                        List.of(), List.of("a"), List.of()),
                Arguments.of("all three at once, one node untouched",
                        nodes("a", spec("a", "p1"), "b", spec("b", "p2", "p3"), "d", spec("d", "p9")),
                        nodes("b", spec("b", "p2"), "c", spec("c", "p4"), "d", spec("d", "p9")),
                        List.of("a"), List.of("b"), List.of("c")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void createsReplacesAndDeletesOnlyWhatDiffers(String what, Map<String, ProfilingAssignmentSpec> plan,
                                                  Map<String, ProfilingAssignmentSpec> server, List<String> create,
                                                  List<String> replace, List<String> delete) {
        AssignmentDiff diff = AssignmentDiff.between(plan, server);

        assertThat(diff.create().keySet()).as("create").containsExactlyElementsOf(create);
        assertThat(diff.replace().keySet()).as("replace").containsExactlyElementsOf(replace);
        assertThat(diff.delete()).as("delete").containsExactlyElementsOf(delete);
        assertThat(diff.writes()).isEqualTo(create.size() + replace.size() + delete.size());
        assertThat(diff.empty()).isEqualTo(diff.writes() == 0);
        diff.create().forEach((node, spec) -> assertThat(spec).isSameAs(plan.get(node)));
        diff.replace().forEach((node, spec) -> assertThat(spec).isSameAs(plan.get(node)));
    }

    @Test
    void listsNodesInNameOrderWhateverTheMapsOrder() {
        Map<String, ProfilingAssignmentSpec> plan = new HashMap<>();
        for (String node : List.of("node-c", "node-a", "node-b")) {
            plan.put(node, spec(node, "p"));
        }
        Map<String, ProfilingAssignmentSpec> server = new HashMap<>();
        for (String node : List.of("node-z", "node-x", "node-y")) {
            server.put(node, spec(node, "p"));
        }

        AssignmentDiff diff = AssignmentDiff.between(plan, server);

        assertThat(diff.create().keySet()).containsExactly("node-a", "node-b", "node-c");
        assertThat(diff.delete()).containsExactly("node-x", "node-y", "node-z");
    }

    private static ProfilingAssignmentSpec spec(String node, String... pods) {
        ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
        spec.setNodeName(node);
        spec.setTargets(Arrays.stream(pods).map(pod -> {
            AssignedTarget target = new AssignedTarget();
            target.setNamespace("shop");
            target.setName(pod);
            target.setUid("uid-" + pod);
            return target;
        }).toList());
        return spec;
    }

    /** A map that may hold a null spec (an assignment the server holds without one). */
    private static Map<String, ProfilingAssignmentSpec> nodes(Object... nodeAndSpec) {
        Map<String, ProfilingAssignmentSpec> nodes = new HashMap<>();
        for (int i = 0; i < nodeAndSpec.length; i += 2) {
            nodes.put((String) nodeAndSpec[i], (ProfilingAssignmentSpec) nodeAndSpec[i + 1]);
        }
        return nodes;
    }
}
