package io.bolometer.testing;

import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for 127.0.0.1 with the address in its subjectAltName, so clients can verify the
 * host name, as they do against a kubelet whose serving certificate names the node IP.
 *
 * <p>{@code io.vertx.core.net.SelfSignedCertificate} (Netty's) carries only a CN, and JSSE checks IP addresses
 * against IP SANs only, so it fails host name verification ("No subject alternative names present"). The JDK's
 * {@code keytool} writes the SAN without extra libraries; one certificate serves every fake server in the JVM.
 */
public record LoopbackCertificate(Path keyStore, String password, Path certificatePem) {

    private static final String PASSWORD = "fake-kubelet";
    private static LoopbackCertificate shared;

    /** The JVM-wide certificate, made on first use (about half a second). */
    public static synchronized LoopbackCertificate shared() {
        if (shared == null) {
            shared = generate();
        }
        return shared;
    }

    public KeyCertOptions keyCertOptions() {
        return new PfxOptions().setPath(keyStore.toString()).setPassword(password);
    }

    private static LoopbackCertificate generate() {
        try {
            Path dir = Files.createTempDirectory("fake-kubelet-tls");
            Path keyStore = dir.resolve("server.p12");
            Path pem = dir.resolve("server.crt");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-ext", "eku=serverAuth",
                    "-validity", "2", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-keypass", PASSWORD), dir);
            run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD, "-file", pem.toString()), dir);
            for (Path p : List.of(dir, keyStore, pem)) { // deleted in reverse order: files, then the directory
                p.toFile().deleteOnExit();
            }
            return new LoopbackCertificate(keyStore, PASSWORD, pem);
        } catch (IOException e) {
            throw new IllegalStateException("could not write a test certificate", e);
        }
    }

    private static void run(List<String> command, Path dir) throws IOException {
        Path log = dir.resolve("keytool.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + Files.readString(log, StandardCharsets.UTF_8));
        }
        Files.deleteIfExists(log);
    }
}
