package dev.koreexporter.http;

import dev.koreexporter.metrics.store.SeriesStore;
import io.helidon.webserver.WebServer;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At most {@link MetricsService#MAX_CONCURRENT_RENDERS} renders of /metrics at once (scrapes of one format
 * share a render, so these scrape in different formats): a further scrape waits up to
 * {@link MetricsService#QUEUE_WAIT} for a slot, then gets 503. Renders are held inside the registry by a
 * gauge whose callback waits on a latch, so "in progress" is a fact the test controls, not a timing guess.
 */
class MetricsServiceConcurrencyTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger rendering = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();
    private MetricsService service;
    private WebServer server;

    private void start() {
        PrometheusRegistry registry = new PrometheusRegistry();
        GaugeWithCallback.builder().name("held_renders").help("blocks every render until released")
                .callback(cb -> {
                    rendering.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    cb.call(1);
                }).register(registry);
        service = new MetricsService(new SeriesStore(Map.of(), 500, Clock.systemUTC()), registry);
        server = WebServer.builder().host("127.0.0.1").port(0).useNio(false)
                .routing(r -> r.register("/metrics", service)).build().start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
        http.close();
    }

    /** Scrapes in each format share a render; these are three different ones. */
    private static final String TEXT = "text/plain;version=0.0.4";
    private static final String OPENMETRICS = "application/openmetrics-text;version=1.0.0";
    private static final String PROTOBUF = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited";

    private CompletableFuture<HttpResponse<String>> scrape(String accept) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .header("Accept", accept).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aThirdScrapeWaitsThenGets503WhileTwoRender() throws Exception {
        start();
        var first = scrape(TEXT);
        var second = scrape(OPENMETRICS);
        await().atMost(Duration.ofSeconds(10)).until(() -> rendering.get() == MetricsService.MAX_CONCURRENT_RENDERS);

        long started = System.nanoTime();
        HttpResponse<String> third = scrape(PROTOBUF).get(20, TimeUnit.SECONDS);
        long waitedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(503, third.statusCode());
        assertEquals("too many concurrent scrapes\n", third.body());
        assertTrue(waitedMs >= MetricsService.QUEUE_WAIT.toMillis() - 50, "waited " + waitedMs + " ms first");
        assertEquals(MetricsService.MAX_CONCURRENT_RENDERS, rendering.get(), "the third never started rendering");
        assertFalse(first.isDone() || second.isDone(), "the two renders are still held");

        release.countDown();
        assertEquals(200, first.get(20, TimeUnit.SECONDS).statusCode());
        assertEquals(200, second.get(20, TimeUnit.SECONDS).statusCode());
        assertTrue(first.get().body().contains("held_renders 1"));
    }

    @Test
    void aWaitingScrapeRendersOnceASlotFreesInTime() throws Exception {
        start();
        var first = scrape(TEXT);
        var second = scrape(OPENMETRICS);
        await().atMost(Duration.ofSeconds(10)).until(() -> rendering.get() == MetricsService.MAX_CONCURRENT_RENDERS);
        var third = scrape(PROTOBUF);
        await().atMost(Duration.ofSeconds(1)).until(() -> service.waiting() == 1);

        release.countDown();

        assertEquals(200, third.get(20, TimeUnit.SECONDS).statusCode());
        assertEquals(200, first.get(20, TimeUnit.SECONDS).statusCode());
        assertEquals(200, second.get(20, TimeUnit.SECONDS).statusCode());
        assertEquals(3, rendering.get());
    }
}
