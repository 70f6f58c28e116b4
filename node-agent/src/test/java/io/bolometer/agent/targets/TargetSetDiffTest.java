package io.bolometer.agent.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetSetDiffTest {
    private static final TargetSettings SETTINGS = TargetSettings.from(new ProfilingConfigSpec());

    static ProfilingTarget target(String config, String pod, String ip, String token) {
        return new ProfilingTarget(config, new PodRef("shop", pod), "node-a", URI.create("http://" + ip + ":6060"),
                "/debug/pprof", "checkout", Map.of("app", "checkout"), ResourceLimits.configured(1, 1024),
                SETTINGS, new StoreLocation.S3("bucket", "us-east-1", null, false), "profiles", 0, token);
    }

    private static Map<String, ProfilingTarget> running(ProfilingTarget... targets) {
        Map<String, ProfilingTarget> map = new LinkedHashMap<>();
        for (ProfilingTarget t : targets) {
            map.put(t.key(), t);
        }
        return map;
    }

    @Test
    void addsRemovesAndChangesOnlyWhatDiffers() {
        ProfilingTarget a = target("shop/cfg", "a", "10.0.0.1", null);
        ProfilingTarget b = target("shop/cfg", "b", "10.0.0.2", null);
        ProfilingTarget c = target("shop/cfg", "c", "10.0.0.3", null);
        ProfilingTarget bMoved = target("shop/cfg", "b", "10.0.0.9", null);

        TargetSetDiff diff = TargetSetDiff.between(running(a, b), List.of(a, bMoved, c));

        assertThat(diff.added()).containsExactly(c);
        assertThat(diff.changed()).containsExactly(bMoved);
        assertThat(diff.removed()).isEmpty();
    }

    @Test
    void removesTargetsNoLongerWanted() {
        ProfilingTarget a = target("shop/cfg", "a", "10.0.0.1", null);
        ProfilingTarget b = target("shop/cfg", "b", "10.0.0.2", null);

        TargetSetDiff diff = TargetSetDiff.between(running(a, b), List.of(b));

        assertThat(diff.removed()).containsExactly(a);
        assertThat(diff.added()).isEmpty();
        assertThat(diff.changed()).isEmpty();
    }

    @Test
    void isEmptyForEqualSets() {
        ProfilingTarget a = target("shop/cfg", "a", "10.0.0.1", "t1");

        assertThat(TargetSetDiff.between(running(a), List.of(target("shop/cfg", "a", "10.0.0.1", "t1"))).isEmpty()).isTrue();
    }

    @Test
    void keepsTheSamePodUnderTwoConfigsAsTwoTargets() {
        ProfilingTarget one = target("shop/cfg-1", "a", "10.0.0.1", null);
        ProfilingTarget two = target("shop/cfg-2", "a", "10.0.0.1", null);

        TargetSetDiff diff = TargetSetDiff.between(running(one), List.of(one, two));

        assertThat(diff.added()).containsExactly(two);
    }

    @Test
    void seesANewCaptureTokenAsAChange() {
        ProfilingTarget before = target("shop/cfg", "a", "10.0.0.1", "t1");
        ProfilingTarget after = target("shop/cfg", "a", "10.0.0.1", "t2");

        assertThat(TargetSetDiff.between(running(before), List.of(after)).changed()).containsExactly(after);
    }
}
