package io.bolometer.e2e;

import io.bolometer.coordinator.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's and the agents' connections to a real API server are cut (connections reset, new ones refused)
 * long enough for the coordinator to lose its lease, while an admin changes pods and the config; when the network
 * comes back they resume their watches and converge within 30 s, deleting only what the changes emptied.
 */
class WatchDisconnectFaultIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();

    @TempDir
    static Path dir;

    @Test
    void resumesWatchesAfterACutAndAppliesEveryChangeMadeMeanwhileWithoutMistakenDeletes() throws Exception {
        try (FaultCluster cluster = FaultCluster.start(API, dir, List.of("node-a", "node-b"))) {
            cluster.settle();

            cluster.proxy().refuse();
            cluster.changeWhileCutOff();
            cluster.awaitLeaseLostWhileCutOff();

            cluster.proxy().accept();
            Duration converged = cluster.awaitChanged(Duration.ofSeconds(30));
            System.out.printf("Converged %d ms after the connections came back; writes: %s%n", converged.toMillis(),
                    cluster.writesByClient());

            cluster.assertOnlyTheEmptiedAssignmentWasDeleted();
        }
    }
}
