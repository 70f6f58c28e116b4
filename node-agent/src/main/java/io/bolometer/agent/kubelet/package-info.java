/**
 * Reads pod usage from this node's kubelet: {@link io.bolometer.agent.kubelet.KubeletSummaryClient} (I/O) and
 * {@link io.bolometer.agent.kubelet.KubeletSummaryParser} (pure).
 *
 * <p>What the agent needs in the cluster: RBAC {@code get} on {@code nodes/stats} for its service account (the
 * kubelet answers 401/403 otherwise, reported as {@code unauthorized}); and either kubelet serving certificates
 * signed by the cluster CA that name the node IP ({@code serverTLSBootstrap: true} plus approved CSRs), or
 * {@code KUBELET_INSECURE_SKIP_VERIFY=true}. Host name verification stays on by default because the token
 * travels with every request: a certificate that chains to the CA but names another host is refused as {@code tls}.
 */
package io.bolometer.agent.kubelet;
