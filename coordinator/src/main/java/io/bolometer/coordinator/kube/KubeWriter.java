package io.bolometer.coordinator.kube;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Every write the coordinator makes, each refused unless this replica leads at that moment: assignment
 * create/replace/delete, config status through the status subresource, and Events on configs and on pods.
 */
public final class KubeWriter {
    public static final Map<String, String> MANAGED = Map.of("app.kubernetes.io/managed-by", "bolometer");

    private final KubernetesClient client;
    private final BooleanSupplier leading;
    private final Clock clock;
    private final AtomicLong writes = new AtomicLong();

    /** @param clock stamps the Events' times */
    public KubeWriter(KubernetesClient client, BooleanSupplier leading, Clock clock) {
        this.client = client;
        this.leading = leading;
        this.clock = clock;
    }

    public void createAssignment(String node, ProfilingAssignmentSpec spec) {
        check();
        ProfilingAssignment assignment = new ProfilingAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(node).withLabels(MANAGED).build());
        assignment.setSpec(spec);
        client.resources(ProfilingAssignment.class).resource(assignment).create();
        writes.incrementAndGet();
    }

    public void replaceAssignmentSpec(String node, ProfilingAssignmentSpec spec) {
        check();
        client.resources(ProfilingAssignment.class).withName(node).edit(a -> {
            a.setSpec(spec);
            return a;
        });
        writes.incrementAndGet();
    }

    public void deleteAssignment(String node) {
        check();
        client.resources(ProfilingAssignment.class).withName(node).delete();
        writes.incrementAndGet();
    }

    public void writeStatus(ProfilingConfig config, ProfilingConfigStatus status) {
        check();
        client.resources(ProfilingConfig.class).inNamespace(config.getMetadata().getNamespace())
                .withName(config.getMetadata().getName()).editStatus(c -> {
                    c.setStatus(status);
                    return c;
                });
        writes.incrementAndGet();
    }

    /** A core v1 Event on the config, as {@code kubectl describe pcfg} shows them. */
    public void event(ProfilingConfig config, String type, String reason, String message) {
        check();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        client.v1().events().inNamespace(config.getMetadata().getNamespace()).resource(new EventBuilder()
                .withNewMetadata().withName(config.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace(config.getMetadata().getNamespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion(config.getApiVersion()).withKind(config.getKind())
                .withNamespace(config.getMetadata().getNamespace()).withName(config.getMetadata().getName())
                .withUid(config.getMetadata().getUid()).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message).withCount(1)
                .withFirstTimestamp(now).withLastTimestamp(now)
                .withNewSource().withComponent("bolometer-coordinator").endSource().build()).create();
        writes.incrementAndGet();
    }

    /**
     * A core v1 Event on a pod, as {@code kubectl describe pod} and {@code kubectl get events} show them: how the
     * owner of a pod with unusable {@code profiling.io/*} annotations learns why it is not profiled.
     */
    public void podEvent(String namespace, String name, String uid, String type, String reason, String message) {
        check();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withName(name + "." + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod")
                .withNamespace(namespace).withName(name).withUid(uid).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message).withCount(1)
                .withFirstTimestamp(now).withLastTimestamp(now)
                .withNewSource().withComponent("bolometer-coordinator").endSource().build()).create();
        writes.incrementAndGet();
    }

    /**
     * A Normal Event on a pod under a name of the caller's choosing ({@code ProfileCaptured}: derived from the
     * capture, so the same capture never makes two Events).
     *
     * @param uid the pod's uid ({@code kubectl describe pod} matches Events by it), or null when the pod is gone
     * @return false when an Event of that name exists already (409: another coordinator, or this one before a
     *     restart, sent it)
     */
    public boolean namedPodEvent(String namespace, String pod, String uid, String name, String reason,
                                 String message) {
        check();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).withLabels(MANAGED).endMetadata()
                    .withNewInvolvedObject().withApiVersion("v1").withKind("Pod")
                    .withNamespace(namespace).withName(pod).withUid(uid).endInvolvedObject()
                    .withType("Normal").withReason(reason).withMessage(message).withCount(1)
                    .withFirstTimestamp(now).withLastTimestamp(now)
                    .withNewSource().withComponent("bolometer-coordinator").endSource().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
        writes.incrementAndGet();
        return true;
    }

    /** Writes made since start (for tests and the metric). */
    public long writes() {
        return writes.get();
    }

    private void check() {
        if (!leading.getAsBoolean()) {
            throw new NotLeaderException();
        }
    }

    /** Thrown instead of writing when this replica does not hold the lease. */
    public static final class NotLeaderException extends RuntimeException {
        public NotLeaderException() {
            super("not the leader: write refused");
        }
    }
}
