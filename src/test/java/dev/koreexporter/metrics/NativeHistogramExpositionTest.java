package dev.koreexporter.metrics;

import dev.koreexporter.http.MetricsService;
import io.helidon.webserver.WebServer;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /metrics in the Prometheus protobuf format: the five latency histograms carry native buckets next to their
 * classic ones, every other histogram only classic ones; text and OpenMetrics stay as they were.
 */
class NativeHistogramExpositionTest {
    /** What Prometheus started with --enable-feature=native-histograms sends (2.42 .. 2.55). */
    private static final String PROMETHEUS_NATIVE_ACCEPT = "application/vnd.google.protobuf;"
            + "proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;"
            + "version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
            + "*/*;q=0.1";
    private static final Set<String> NATIVE = Set.of("kore_turn_latency_seconds", "kore_asr_latency_seconds",
            "kore_bot_latency_seconds", "kore_tts_latency_seconds", "kore_tts_first_byte_seconds", "kore_turn_gap_seconds");
    private static final Set<String> CLASSIC_ONLY = Set.of("kore_asr_confidence", "kore_tts_audio_seconds",
            "kore_session_duration_seconds", "kore_session_messages", "kore_exporter_api_request_duration_seconds",
            "kore_exporter_record_delay_seconds");

    private static PrometheusRegistry registry;
    private static WebServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        MetricsGoldenTest.Dataset dataset = MetricsGoldenTest.fixedDataset();
        registry = dataset.registry();
        server = WebServer.builder().host("127.0.0.1").port(0).useNio(false)
                .routing(r -> r.register("/metrics", new MetricsService(dataset.metrics().store(), registry)))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void protobufIsAnsweredWhenPrometheusAsksForIt() throws Exception {
        HttpResponse<byte[]> r = get(PROMETHEUS_NATIVE_ACCEPT);
        assertEquals(200, r.statusCode());
        assertEquals(PrometheusProtobufWriter.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(families(r.body()).size() > 20, "families parsed");
    }

    @Test
    void latencyHistogramsCarryNativeBucketsNextToUnchangedClassicOnes() throws Exception {
        Map<String, Metrics.MetricFamily> histograms = histograms(families(get(PROMETHEUS_NATIVE_ACCEPT).body()));
        assertEquals(union(NATIVE, CLASSIC_ONLY), histograms.keySet(), "histogram families");
        for (String name : NATIVE) {
            List<Metrics.Metric> series = histograms.get(name).getMetricList();
            assertFalse(series.isEmpty(), name + ": the dataset observed it");
            for (Metrics.Metric m : series) {
                Metrics.Histogram h = m.getHistogram();
                assertTrue(h.hasSchema() && h.getZeroThreshold() > 0, name + ": native histogram " + m.getLabelList());
                assertEquals(h.getSampleCount(), h.getZeroCount() + sum(absoluteCounts(h.getPositiveDeltaList())),
                        name + ": every observation is in a native bucket");
                assertEquals(classicBounds(name), upperBounds(h), name + ": classic buckets unchanged");
            }
        }
        for (String name : CLASSIC_ONLY) {
            for (Metrics.Metric m : histograms.get(name).getMetricList()) {
                Metrics.Histogram h = m.getHistogram();
                assertFalse(h.hasSchema() || h.hasZeroThreshold() || h.getPositiveSpanCount() > 0,
                        name + ": classic only " + m.getLabelList());
                assertTrue(h.getBucketCount() > 0, name + ": classic buckets");
            }
        }
    }

    @Test
    void aNativeBucketIsAboutTwoPercentWideAndHoldsItsValue() throws Exception {
        Metrics.Histogram turn = series(histograms(families(get(PROMETHEUS_NATIVE_ACCEPT).body()))
                .get("kore_turn_latency_seconds"), "channel", "ivrVoice").getHistogram();
        assertEquals(1, turn.getSampleCount(), "the dataset's one ivrVoice turn, 1.8 s");
        assertEquals(List.of(1L), turn.getPositiveDeltaList(), "one populated bucket");
        double base = Math.pow(2, Math.pow(2, -turn.getSchema()));
        int index = turn.getPositiveSpan(0).getOffset();
        double upper = Math.pow(base, index);
        double lower = upper / base;
        assertTrue(lower < 1.8 && 1.8 <= upper, "1.8 s in (" + lower + ", " + upper + "]");
        assertTrue(base < 1.023, "bucket width factor " + base + " (schema " + turn.getSchema() + ")");
    }

    @Test
    void protobufKeepsTheTurnExemplarOnItsClassicBucket() throws Exception {
        Metrics.Histogram turn = series(histograms(families(get(PROMETHEUS_NATIVE_ACCEPT).body()))
                .get("kore_turn_latency_seconds"), "channel", "ivrVoice").getHistogram();
        Metrics.Bucket le2 = turn.getBucketList().stream().filter(b -> b.getUpperBound() == 2.0).findFirst().orElseThrow();
        assertTrue(le2.hasExemplar(), "exemplar on le=2.0");
        assertTrue(le2.getExemplar().getLabelList().stream().anyMatch(l -> l.getName().equals("trace_id")
                && l.getValue().equals("0af7651916cd43dd8448eb211c80319c")), le2.getExemplar().toString());
    }

    @Test
    void textAndOpenMetricsAnswersAreWhatTheClassicOnlyExporterServed() throws Exception {
        // The golden files were written by the classic-only exporter (MetricsGoldenTest); here: the same bytes
        // come over HTTP for the Accept headers Prometheus sends without native histograms.
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, registry.scrape());
        assertEquals(text.toString(StandardCharsets.UTF_8),
                new String(get("text/plain;version=0.0.4;q=0.5,*/*;q=0.1").body(), StandardCharsets.UTF_8));
        ByteArrayOutputStream openMetrics = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter.create().write(openMetrics, registry.scrape());
        assertEquals(openMetrics.toString(StandardCharsets.UTF_8), new String(get("application/openmetrics-text;"
                + "version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;"
                + "q=0.5,*/*;q=0.1").body(), StandardCharsets.UTF_8));
        assertEquals(MetricsGoldenTest.render(), text.toString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<byte[]> get(String accept) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static List<Metrics.MetricFamily> families(byte[] body) throws IOException {
        List<Metrics.MetricFamily> out = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(body);
        Metrics.MetricFamily f;
        while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
            out.add(f);
        }
        return out;
    }

    private static Map<String, Metrics.MetricFamily> histograms(List<Metrics.MetricFamily> families) {
        Map<String, Metrics.MetricFamily> out = new LinkedHashMap<>();
        families.stream().filter(f -> f.getType() == Metrics.MetricType.HISTOGRAM && f.getName().startsWith("kore_"))
                .forEach(f -> out.put(f.getName(), f));
        return out;
    }

    private static Metrics.Metric series(Metrics.MetricFamily family, String label, String value) {
        return family.getMetricList().stream().filter(m -> m.getLabelList().stream()
                .anyMatch(l -> l.getName().equals(label) && l.getValue().equals(value))).findFirst().orElseThrow();
    }

    /** Native bucket counts are sent as deltas to the previous bucket. */
    private static List<Long> absoluteCounts(List<Long> deltas) {
        List<Long> counts = new ArrayList<>();
        long count = 0;
        for (long d : deltas) {
            count += d;
            counts.add(count);
        }
        return counts;
    }

    private static long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    private static List<Double> classicBounds(String name) {
        List<Double> bounds = new ArrayList<>(Buckets.DEFAULTS.get(name));
        bounds.add(Double.POSITIVE_INFINITY);
        return bounds;
    }

    private static List<Double> upperBounds(Metrics.Histogram h) {
        return h.getBucketList().stream().map(Metrics.Bucket::getUpperBound).toList();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }
}
