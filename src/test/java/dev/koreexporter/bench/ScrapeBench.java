package dev.koreexporter.bench;

import dev.koreexporter.Daemon;
import dev.koreexporter.http.MetricsService;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Message;
import io.helidon.webserver.WebServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code /metrics} over HTTP with about 5,000 series in the registry: p50 and p99 over 200 scrapes. */
final class ScrapeBench {
    static final int TARGET_SERIES = 5_000;

    private ScrapeBench() {
    }

    static List<Row> run(boolean tiny) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "bench", Clock.systemUTC());
        List<Message> turns = IngestBench.capture(200).messagesOf();
        int series = fill(metrics, registry, turns, tiny ? 500 : TARGET_SERIES);
        WebServer server = Daemon.httpServer().host("127.0.0.1").port(0)
                .routing(r -> r.register("/metrics", new MetricsService(metrics.store(), registry))).build().start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build();
            int scrapes = tiny ? 20 : 200;
            // Warm-up: the JIT compiles the render path in the first few dozen scrapes.
            for (int i = 0; i < scrapes / 2; i++) {
                scrape(http, get);
            }
            double[] ms = new double[scrapes];
            long bytes = 0;
            for (int i = 0; i < scrapes; i++) {
                long start = System.nanoTime();
                bytes = scrape(http, get);
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(ms);
            return List.of(
                    Row.info("scrape.series", "/metrics: series exposed (" + bytes / 1024 + " KiB)", series, "series"),
                    Row.info("scrape.p50", "/metrics: scrape time p50 (" + scrapes + " scrapes)", percentile(ms, 0.50), "ms"),
                    Row.atMost("scrape.p99", "/metrics: scrape time p99", percentile(ms, 0.99), "ms", 25));
        } finally {
            server.stop();
        }
    }

    /**
     * One scrape, the body read and counted but not kept: the client shares this JVM, and a ~1 MB byte[] per
     * scrape would be the benchmark's own garbage (and G1 humongous allocations), not the exporter's.
     */
    private static long scrape(HttpClient http, HttpRequest get) throws Exception {
        HttpResponse<InputStream> response = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                bytes += n;
            }
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + response.statusCode());
        }
        return bytes;
    }

    /** Adds bot x channel x language combinations of real turns until the registry holds {@code target} series. */
    private static int fill(KoreMetrics metrics, PrometheusRegistry registry, List<Message> turns, int target) {
        String[] channels = {"korevg", "ivrVoice", "twiliovoice", "audiocodes"};
        String[] languages = {"en", "es", "de", "fr"};
        int series = 0;
        for (int b = 0; series < target; b++) {
            for (String ch : channels) {
                if (series >= target) {
                    break;
                }
                for (String lang : languages) {
                    for (Message m : turns) {
                        Message relabelled = new Message(m.id(), m.sessionId(), m.direction(), ch, lang, m.createdOn(),
                                m.latency(), null);
                        metrics.message("bot-" + b, relabelled);
                        if (m.isTurn()) {
                            metrics.turn("bot-" + b, relabelled, null);
                        }
                    }
                }
                metrics.publish("bot-" + b);
                series = registry.scrape().stream().mapToInt(ScrapeBench::seriesOf).sum();
            }
        }
        return series;
    }

    /** Sample lines a snapshot writes in the text format (a histogram: its buckets, _count and _sum). */
    private static int seriesOf(MetricSnapshot snapshot) {
        int n = 0;
        for (var data : snapshot.getDataPoints()) {
            n += data instanceof HistogramSnapshot.HistogramDataPointSnapshot h
                    ? h.getClassicBuckets().size() + 2 : 1;
        }
        return n;
    }

    static double percentile(double[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
