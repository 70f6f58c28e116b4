package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.agent.testing.PprofBodies;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 7: the packaged agent (a child process, AWS default chain only) signs its S3 requests with the
 * credentials IRSA (web identity token file + STS) and EKS Pod Identity (container credentials full URI) hand out.
 * STS, the container credentials endpoint and the S3 endpoint are loopback fakes that record what they get.
 */
class CredentialsIT {
    private static final String ROLE = "arn:aws:iam::123456789012:role/bolometer";
    private static final String WEB_IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.irsa-projected-token.sig";
    private static final String IRSA_KEY = "ASIAIRSAFAKE0000001";
    private static final String IRSA_SECRET = "irsa-secret-Hk29Xq";
    private static final String IRSA_SESSION = "irsa-session-Vb71Lp";
    private static final String POD_IDENTITY_AUTH = "pod-identity-auth-Jt55Wd";
    private static final String POD_IDENTITY_KEY = "ASIAPODIDFAKE000001";
    private static final String POD_IDENTITY_SECRET = "pod-identity-secret-Rm84Zc";
    private static final String POD_IDENTITY_SESSION = "pod-identity-session-Qe62Ns";

    @TempDir
    Path dir;
    private Vertx vertx;
    private FakePprofServer pod;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> s3Requests = new CopyOnWriteArrayList<>();
    private Process agent;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        byte[] profile = PprofBodies.cpuProfile(50);
        pod = FakePprofServer.start(vertx, "127.0.0.71")
                .route("debug", req -> req.response().end(Buffer.buffer(profile)));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.toHandle().destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
        servers.forEach(server -> server.stop(0));
        pod.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void signsUploadsWithTheCredentialsStsGaveForTheWebIdentityToken() throws Exception {
        List<String> stsBodies = new CopyOnWriteArrayList<>();
        int sts = serve(exchange -> {
            stsBodies.add(URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            respond(exchange, 200, "text/xml", """
                    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleWithWebIdentityResult>
                        <Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>
                          <SessionToken>%s</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
                        <SubjectFromWebIdentityToken>system:serviceaccount:bolometer-system:bolometer-agent</SubjectFromWebIdentityToken>
                        <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/bolometer/agent</Arn>
                          <AssumedRoleId>AROAFAKE:agent</AssumedRoleId></AssumedRoleUser>
                      </AssumeRoleWithWebIdentityResult>
                      <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
                    </AssumeRoleWithWebIdentityResponse>""".formatted(IRSA_KEY, IRSA_SECRET, IRSA_SESSION));
        });
        Path tokenFile = Files.writeString(dir.resolve("token"), WEB_IDENTITY_TOKEN);

        agent = startAgent("irsa", Map.of("AWS_ROLE_ARN", ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                "AWS_ROLE_SESSION_NAME", "bolometer-agent", "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + sts));

        Await.until(Duration.ofSeconds(60), "a signed upload", () -> !signedPuts().isEmpty(), this::state);
        assertThat(stsBodies).first().asString().contains("Action=AssumeRoleWithWebIdentity", "RoleArn=" + ROLE,
                "WebIdentityToken=" + WEB_IDENTITY_TOKEN);
        assertThat(signedPuts()).allSatisfy(request -> {
            assertThat(request.get("authorization")).contains("Credential=" + IRSA_KEY + "/");
            assertThat(request.get("x-amz-security-token")).isEqualTo(IRSA_SESSION);
        });
        assertThat(Files.readString(logOf("irsa"))).doesNotContain(IRSA_SECRET, IRSA_SESSION, WEB_IDENTITY_TOKEN);
    }

    @Test
    void signsUploadsWithThePodIdentityCredentials() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        int credentials = serve(exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            respond(exchange, 200, "application/json", """
                    {"AccessKeyId": "%s", "SecretAccessKey": "%s", "Token": "%s", "AccountId": "123456789012",
                     "Expiration": "2099-01-01T00:00:00Z"}""".formatted(POD_IDENTITY_KEY, POD_IDENTITY_SECRET,
                    POD_IDENTITY_SESSION));
        });

        agent = startAgent("pod-identity", Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + credentials + "/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN", POD_IDENTITY_AUTH));

        Await.until(Duration.ofSeconds(60), "a signed upload", () -> !signedPuts().isEmpty(), this::state);
        assertThat(authorizations).first().isEqualTo(POD_IDENTITY_AUTH);
        assertThat(signedPuts()).allSatisfy(request -> {
            assertThat(request.get("authorization")).contains("Credential=" + POD_IDENTITY_KEY + "/");
            assertThat(request.get("x-amz-security-token")).isEqualTo(POD_IDENTITY_SESSION);
        });
        assertThat(Files.readString(logOf("pod-identity"))).doesNotContain(POD_IDENTITY_SECRET, POD_IDENTITY_SESSION,
                POD_IDENTITY_AUTH);
    }

    private List<Map<String, String>> signedPuts() {
        return s3Requests.stream().filter(r -> "PUT".equals(r.get("method")) && r.get("path").endsWith(".pprof")).toList();
    }

    private String state() {
        try {
            return s3Requests + "; agent output: " + Files.readString(logOf(currentName));
        } catch (IOException e) {
            return s3Requests.toString();
        }
    }

    private String currentName = "";

    private Process startAgent(String name, Map<String, String> credentialEnv) throws IOException {
        currentName = name;
        int s3 = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            s3Requests.add(Map.of("method", exchange.getRequestMethod(), "path", exchange.getRequestURI().getPath(),
                    "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                    "x-amz-security-token", String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"))));
            exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
            exchange.sendResponseHeaders("HEAD".equals(exchange.getRequestMethod()) ? 404 : 200, -1);
            exchange.close();
        });
        Path config = Files.writeString(dir.resolve(name + ".yaml"), """
                store:
                  s3: {bucket: creds-bucket, prefix: profiles, region: us-east-1, endpoint: 'http://127.0.0.1:%d', forcePathStyle: true}
                spool: ./spool-%s
                metricsPort: 0
                healthPort: 0
                config:
                  onDemand: {enabled: true, intervalSeconds: 10}
                  profileTypes: [heap]
                targets:
                  - name: checkout-7d9f8-x2x
                    labels: {app: checkout}
                    url: %s
                """.formatted(s3, name, pod.base()));
        Path jar = GoToolchain.repoRoot().resolve("node-agent/target/bolometer-node-agent.jar");
        assertThat(jar).as("the packaged agent (mvn package runs before failsafe)").exists();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", jar.toString(), "--standalone", config.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(logOf(name).toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("AWS_"));
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.putAll(credentialEnv);
        return builder.start();
    }

    private static Path logOf(String name) {
        return GoToolchain.repoRoot().resolve("node-agent/target/credentials-" + name + ".log");
    }

    private int serve(Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            try {
                handler.handle(exchange);
            } finally {
                exchange.close();
            }
        });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }
}
