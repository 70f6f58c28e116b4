package io.bolometer.e2e;

import io.bolometer.coordinator.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kube-apiserver process is killed and started again (etcd keeps every object); changes are made on the
 * restarted server before the coordinator and agents can reach it, so they come back to watches whose resource
 * version the new server's watch cache does not know and must list again. They converge within 30 s and delete
 * only what the changes emptied.
 */
class ApiServerRestartFaultIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();

    @TempDir
    static Path dir;

    @Test
    void relistsAfterAnApiServerRestartAndAppliesChangesMadeBeforeItReconnectedWithoutMistakenDeletes()
            throws Exception {
        try (FaultCluster cluster = FaultCluster.start(API, dir, List.of("node-a", "node-b"))) {
            cluster.settle();

            long down = System.nanoTime();
            API.crashApiServer();
            cluster.proxy().refuse(); // the restarted server is reachable only by the admin until accept()
            API.restartApiServer();
            System.out.printf("kube-apiserver back after %d ms%n", Duration.ofNanos(System.nanoTime() - down).toMillis());
            cluster.changeWhileCutOff();
            cluster.awaitLeaseLostWhileCutOff();

            cluster.proxy().accept();
            Duration converged = cluster.awaitChanged(Duration.ofSeconds(30));
            System.out.printf("Converged %d ms after the restarted server became reachable; writes: %s%n",
                    converged.toMillis(), cluster.writesByClient());

            cluster.assertOnlyTheEmptiedAssignmentWasDeleted();
        }
    }
}
