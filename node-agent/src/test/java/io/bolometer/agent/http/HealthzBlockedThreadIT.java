package io.bolometer.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.testing.Await;
import io.bolometer.testing.Closing;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A blocked event loop or scheduler thread turns {@code /healthz} to 503 naming it, and back once it runs again. */
class HealthzBlockedThreadIT {

    private static final Duration EVERY = Duration.ofMillis(50);
    private static final Duration STUCK_AFTER = Duration.ofMillis(600);

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2)
            .setBlockedThreadCheckInterval(60_000));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();
    private Heartbeats heartbeats;
    private HealthAndMetricsServer server;

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        Closing.inOrder(server, heartbeats);
        scheduler.shutdownNow();
        vertx.close().await();
    }

    @Test
    void aBlockedEventLoopIsReportedAndForgottenOnceItRunsAgain() {
        heartbeats = Heartbeats.start(vertx, scheduler, EVERY, STUCK_AFTER);
        Await.until(Duration.ofSeconds(10), "a healthy start", () -> heartbeats.problems().isEmpty());

        ((VertxInternal) vertx).nettyEventLoopGroup().next().execute(this::blockUntilReleased);

        List<String> problems = new ArrayList<>();
        Await.until(Duration.ofSeconds(10), "the blocked event loop to be reported", () -> {
            problems.clear();
            problems.addAll(heartbeats.problems());
            return !problems.isEmpty();
        });
        assertThat(problems).singleElement().asString().matches("event loop [01] blocked: no heartbeat for .*");

        release.countDown();
        Await.until(Duration.ofSeconds(10), "the loop to beat again", () -> heartbeats.problems().isEmpty());
    }

    @Test
    void healthzAnswers503NamingABlockedSchedulerThreadThen200() throws Exception {
        heartbeats = Heartbeats.start(vertx, scheduler, EVERY, STUCK_AFTER);
        server = new HealthAndMetricsServer(vertx, () -> "", heartbeats::problems, () -> true);
        server.start("127.0.0.1", 0, 0);
        Await.until(Duration.ofSeconds(10), "a healthy start", () -> healthz().statusCode() == 200);

        scheduler.execute(this::blockUntilReleased);

        HttpResponse<String> wedged = Await.until(Duration.ofSeconds(10), "/healthz to fail",
                () -> java.util.Optional.of(healthz()).filter(r -> r.statusCode() == 503));
        assertThat(wedged.body()).startsWith("scheduler thread blocked: no heartbeat for");

        release.countDown();
        Await.until(Duration.ofSeconds(10), "/healthz to recover", () -> healthz().statusCode() == 200);
    }

    private void blockUntilReleased() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<String> healthz() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.healthPort() + "/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
