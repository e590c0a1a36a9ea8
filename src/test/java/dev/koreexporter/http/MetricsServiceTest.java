package dev.koreexporter.http;

import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import io.helidon.webserver.WebServer;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics over HTTP: gzip when asked, the bot and name filters, shared renders, clients that never read. */
class MetricsServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "1.0", Clock.fixed(NOW, ZoneOffset.UTC));
    private final List<Socket> stuck = new ArrayList<>();
    private WebServer server;

    private void start() {
        for (String bot : List.of("alpha", "beta")) {
            for (int i = 0; i < 20; i++) {
                Message m = new Message("m" + i, "s", Direction.OUTGOING, "korevg", "en", NOW,
                        new Latency(700.0 + i, null, null, null), null);
                metrics.message(bot, m);
                metrics.turn(bot, m, null);
            }
            metrics.publish(bot);
        }
        server = WebServer.builder().host("127.0.0.1").port(0).useNio(false)
                .routing(r -> r.register("/metrics", new MetricsService(metrics.store(), registry))).build().start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : stuck) {
            s.close();
        }
        if (server != null) {
            server.stop();
        }
        http.close();
    }

    private HttpResponse<byte[]> get(String query, String acceptEncoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics" + query))
                .timeout(Duration.ofSeconds(20));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] body) throws IOException {
        return new String(new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void gzipWhenTheClientAcceptsItAndTheSameAnswerInflated() throws Exception {
        start();
        HttpResponse<byte[]> zipped = get("", "gzip");
        HttpResponse<byte[]> plain = get("", null);
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
        String text = new String(plain.body(), StandardCharsets.UTF_8);
        assertEquals(text, gunzip(zipped.body()));
        assertEquals(Long.toString(plain.body().length), plain.headers().firstValue("Content-Length").orElse(""));
        assertTrue(zipped.body().length * 4 < plain.body().length, zipped.body().length + " of " + plain.body().length);
        assertTrue(text.contains("kore_turn_latency_seconds_count{bot=\"alpha\",channel=\"korevg\",language=\"en\"} 20"));
        assertTrue(get("", "gzip;q=0, identity").headers().firstValue("Content-Encoding").isEmpty(), "q=0 refuses");
    }

    @Test
    void botAndNameParametersNarrowTheAnswer() throws Exception {
        start();
        String beta = new String(get("?bot=beta", null).body(), StandardCharsets.UTF_8);
        assertTrue(beta.contains("bot=\"beta\"") && !beta.contains("bot=\"alpha\""), beta);
        assertFalse(beta.contains("kore_exporter_build_info"), "series of no bot are not any bot's");
        // As Prometheus sends them (Go's url.Values encode parentheses).
        String both = new String(get("?bot=beta&bot=alpha&bot=%28none%29", null).body(), StandardCharsets.UTF_8);
        assertTrue(both.contains("bot=\"beta\"") && both.contains("bot=\"alpha\"")
                && both.contains("kore_exporter_build_info"), both);
        // As Prometheus sends a params entry "name[]" (Go's url.Values encode the brackets).
        HttpResponse<byte[]> r = get("?name%5B%5D=kore_messages_total", null);
        assertEquals(200, r.statusCode());
        String named = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(List.of("kore_messages_total{bot=\"alpha\",channel=\"korevg\",direction=\"outgoing\"} 20.0",
                "kore_messages_total{bot=\"beta\",channel=\"korevg\",direction=\"outgoing\"} 20.0"),
                named.lines().filter(l -> !l.startsWith("#")).toList());
    }

    @Test
    void concurrentScrapesOfOneFormatShareOneRender() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger renders = new AtomicInteger();
        GaugeWithCallback.builder().name("held").help("blocks renders until released").callback(cb -> {
            renders.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cb.call(1);
        }).register(registry);
        start();
        List<CompletableFuture<HttpResponse<String>>> scrapes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            scrapes.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> renders.get() == 1);
        release.countDown();
        String first = scrapes.get(0).get(20, TimeUnit.SECONDS).body();
        for (var s : scrapes) {
            assertEquals(first, s.get(20, TimeUnit.SECONDS).body());
        }
        assertTrue(renders.get() < scrapes.size(), renders.get() + " renders for " + scrapes.size() + " scrapes");
    }

    @Test
    void clientsThatNeverReadDoNotHoldUpOtherScrapes() throws Exception {
        // About 9 MB uncompressed: far more than the socket buffers, so the server's writes to the stuck clients
        // block for good.
        GaugeWithCallback.builder().name("bulk").help("a large answer").labelNames("n").callback(cb -> {
            for (int i = 0; i < 100_000; i++) {
                cb.call(i, "series-number-" + i + "-padded-to-make-the-line-longer-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            }
        }).register(registry);
        start();
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = s.getOutputStream();
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            stuck.add(s);
        }
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            HttpResponse<byte[]> r = get("", "gzip");
            assertEquals(200, r.statusCode(), "scrape " + i + " while four clients never read");
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
            assertTrue(gunzip(r.body()).contains("bulk{n=\"series-number-99999-"), "the whole answer");
        }
    }
}
