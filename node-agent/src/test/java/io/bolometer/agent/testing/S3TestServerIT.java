package io.bolometer.agent.testing;

import io.bolometer.testing.S3TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class S3TestServerIT {

    private static final String IPV4_LOOPBACK = "0100007F";
    private static final String IPV6_LOOPBACK = "00000000000000000000000001000000";
    /** ::ffff:127.0.0.1 — Java binds 127.0.0.1 on a dual-stack socket this way. */
    private static final String IPV4_MAPPED_LOOPBACK = "0000000000000000FFFF00000100007F";

    @Test
    void listensOnLoopbackOnly() throws IOException {
        S3TestServer s3 = S3TestServer.shared();

        List<String> listening = listeningAddressesOfThisProcess();

        assertThat(listening).anyMatch(address -> address.endsWith(String.format(":%04X", s3.port())));
        assertThat(listening).allMatch(address -> address.startsWith(IPV4_LOOPBACK + ":")
                || address.startsWith(IPV6_LOOPBACK + ":") || address.startsWith(IPV4_MAPPED_LOOPBACK + ":"));
    }

    @Test
    void createsBucketsIdempotently() {
        S3TestServer s3 = S3TestServer.shared();

        s3.createBucket("server-it");
        s3.createBucket("server-it");

        assertThat(s3.client().listBuckets().buckets()).anyMatch(bucket -> bucket.name().equals("server-it"));
    }

    /** Local addresses (hex, as in /proc/net/tcp) of the sockets this JVM listens on. */
    private static List<String> listeningAddressesOfThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals("0A") && inodes.contains(fields[9])) {
                    listening.add(fields[1]);
                }
            }
        }
        return listening;
    }
}
