package io.bolometer.agent.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Pod IPs the agent never fetches from, whatever its assignment says: link-local addresses (the cloud's instance
 * metadata service at 169.254.169.254 among them), its own node's address ({@code HOST_IP}: a {@code hostNetwork}
 * pod's "IP", or the kubelet itself), and loopback. Loopback is allowed only when the node's own address is unknown
 * or itself loopback, which happens only on test rigs where every "pod" listens on 127.0.0.x.
 *
 * @param hostIp the node's IP ({@code HOST_IP}), or null when not set
 */
public record FetchTargetGuard(String hostIp) {

    /** Why the agent refuses to fetch from {@code ip} (an IP literal), or null when it may. */
    public String problem(String ip) {
        InetAddress address = literal(ip);
        InetAddress host = hostIp == null || hostIp.isBlank() ? null : literal(hostIp.strip());
        if (address == null) {
            return null;
        }
        if (address.isLinkLocalAddress()) {
            return "pod IP " + ip + " is link-local (the instance metadata service lives there)";
        }
        if (host != null && host.equals(address)) {
            return "pod IP " + ip + " is this node's own address (a hostNetwork pod, or the kubelet)";
        }
        if ((address.isLoopbackAddress() || address.isAnyLocalAddress()) && host != null && !host.isLoopbackAddress()) {
            return "pod IP " + ip + " is a loopback address of the agent itself";
        }
        return null;
    }

    /** The address of an IP literal without any DNS lookup (callers pass only literals), or null. */
    private static InetAddress literal(String ip) {
        if (!ip.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
