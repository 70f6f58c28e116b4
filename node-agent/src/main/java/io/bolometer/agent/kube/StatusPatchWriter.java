package io.bolometer.agent.kube;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Replaces an assignment's whole status through the status subresource with a JSON patch ({@code add /status}): no
 * resourceVersion, so no conflict with the coordinator's spec writes, and lists are replaced, not merged (the mock API
 * server appends lists under a merge patch; a real one replaces them either way).
 */
public final class StatusPatchWriter {
    private final KubernetesClient client;

    StatusPatchWriter(KubernetesClient client) {
        this.client = client;
    }

    public void write(String name, ProfilingAssignmentStatus status) {
        String patch = "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + client.getKubernetesSerialization().asJson(status)
                + "}]";
        client.resources(ProfilingAssignment.class).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), patch);
    }
}
