package io.bolometer.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.spool.SpoolRecord;
import io.bolometer.agent.store.StoreLocation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentCapturesTest {
    private static SpoolRecord stored(String config, int i) {
        return new SpoolRecord("k" + i, new StoreLocation.S3("b", null, null, false), Map.of("pod-name", "p" + i),
                Map.of(), config);
    }

    @Test
    void boundsTheNodeTakingFromTheConfigsThatListMostFirst() {
        RecentCaptures recent = new RecentCaptures();
        for (int config = 0; config < 30; config++) {
            for (int i = 0; i < 10; i++) {
                recent.stored(stored("ns/config-" + config, i), "k" + i);
            }
        }
        recent.stored(stored("ns/quiet", 0), "k0");

        int total = 0;
        for (int config = 0; config < 30; config++) {
            int listed = recent.of("ns/config-" + config).size();
            assertThat(listed).isBetween(6, 7);
            total += listed;
        }
        assertThat(recent.of("ns/quiet")).as("a config with one capture keeps it").hasSize(1);
        assertThat(total + 1).isEqualTo(RecentCaptures.MAX_NODE_ENTRIES);
        assertThat(recent.of("ns/config-29").get(0).getUri()).as("the newest stay").isEqualTo("s3://b/k9");
    }

    @Test
    void listsNothingForDirectoryStoresOrRecordsWithoutTheirConfig() {
        RecentCaptures recent = new RecentCaptures();
        recent.stored(new SpoolRecord("k", new StoreLocation.Directory("/p"), Map.of(), Map.of(), "ns/c"), "k");
        recent.stored(new SpoolRecord("k", new StoreLocation.S3("b", null, null, false), Map.of(), Map.of()), "k");

        assertThat(recent.of("ns/c")).isNull();
    }
}
