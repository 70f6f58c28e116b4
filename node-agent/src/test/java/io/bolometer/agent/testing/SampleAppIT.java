package io.bolometer.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleAppIT {

    private static final String HOST = "127.0.0.7";

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void cpuProfileWhileBurningNamesBurnCpu() throws Exception {
        try (SampleApp app = SampleApp.start(HOST)) {
            app.burn(true);

            Path profile = fetch(app.uri("/debug/pprof/profile?seconds=2"), "cpu.pprof");

            assertThat(PprofTool.top(profile)).contains("main.burnCPU");
            assertThat(PprofTool.sampleTypes(profile)).containsExactly("samples", "cpu");
        }
    }

    @Test
    void heapProfileAfterLeakNamesGrowHeap() throws Exception {
        try (SampleApp app = SampleApp.start(HOST)) {
            app.leakMiB(4);

            Path profile = fetch(app.uri("/debug/pprof/heap?gc=1"), "heap.pprof");

            assertThat(PprofTool.top(profile)).contains("main.growHeap");
        }
    }

    @Test
    void goroutineAndMutexProfilesShowParkedAndContendingGoroutines() throws Exception {
        try (SampleApp app = SampleApp.start(HOST)) {
            app.goroutines(5);
            app.contend(true);

            assertThat(PprofTool.top(fetch(app.uri("/debug/pprof/goroutine"), "goroutine.pprof")))
                    .contains("main.parkGoroutine");
            // Contention is sampled (1 in 5 events): wait, bounded, until some has been recorded.
            String mutexTop = awaitMutexProfileContaining(app, "main.contendMutex", Duration.ofSeconds(15));
            assertThat(mutexTop).contains("main.contendMutex");
            assertThat(PprofTool.sampleTypes(tmp.resolve("mutex.pprof"))).containsExactly("contentions", "delay");

            app.reset();
            assertThat(PprofTool.top(fetch(app.uri("/debug/pprof/goroutine"), "after-reset.pprof")))
                    .doesNotContain("main.parkGoroutine");
        }
    }

    @Test
    void listensOnTheGivenLoopbackAddressAndStopsOnClose() {
        SampleApp app = SampleApp.start(HOST);
        Optional<ProcessHandle> handle = ProcessHandle.of(app.pid());
        assertThat(app.baseUrl().getHost()).isEqualTo(HOST);
        assertThat(app.baseUrl().getPort()).isPositive();
        assertThat(handle).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

        app.close();

        assertThat(handle.get().isAlive()).isFalse();
        assertThat(app.logFile()).content().as("graceful exit on SIGTERM").contains("shutting down");
    }

    @Test
    void refusesAddressesOutsideLoopback() {
        assertThatThrownBy(() -> SampleApp.start("10.0.0.7")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("127.0.0.0/8");
    }

    private String awaitMutexProfileContaining(SampleApp app, String function, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String top = PprofTool.top(fetch(app.uri("/debug/pprof/mutex"), "mutex.pprof"));
            if (top.contains(function) || System.nanoTime() - deadline > 0) {
                return top;
            }
            Thread.sleep(100);
        }
    }

    private Path fetch(URI uri, String name) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(tmp.resolve(name)));
        assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
        return response.body();
    }
}
