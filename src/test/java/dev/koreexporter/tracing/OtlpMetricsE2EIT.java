package dev.koreexporter.tracing;

import dev.koreexporter.ingest.ExpectedMetrics;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.model.Message;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.testing.MetricsText;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's first cycle against the simulator with {@code OTEL_METRICS_EXPORTER=otlp}, pushing to a real OTLP
 * receiver built from the official protocol definitions (README "OTLP metrics"): a push holds exactly the kore_*
 * series a {@code /metrics} scrape of the same moment shows (the latency histograms' native buckets included), with
 * the turn histograms as ground truth says, cumulative, under the OpenTelemetry names and units of the catalogue.
 */
class OtlpMetricsE2EIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final HexFormat HEX = HexFormat.of();
    private static final String PROTOBUF = "application/vnd.google.protobuf;"
            + "proto=io.prometheus.client.MetricFamily;encoding=delimited";
    private static final Map<String, KoreMeter> BY_OTEL_NAME = Arrays.stream(KoreMeter.values())
            .collect(Collectors.toMap(KoreMeter::otelName, Function.identity()));

    @TempDir
    Path state;

    /**
     * @param histograms {@code OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION}: unset, the latency
     *                   histograms are exponential; {@code explicit_bucket_histogram}, they have their classic buckets
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"grpc,", "http/protobuf,", "http/protobuf,explicit_bucket_histogram"})
    void aPushHoldsWhatAScrapeShowsAndWhatGroundTruthSays(String protocol, String histograms) throws Exception {
        boolean exponential = histograms == null;
        try (OtlpReceiver receiver = protocol.equals("grpc") ? new OtlpReceiver.Grpc() : new OtlpReceiver.Http()) {
            Map<String, String> env = new HashMap<>(Map.of("OTEL_METRICS_EXPORTER", "otlp", "OTEL_TRACES_EXPORTER",
                    "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", protocol, "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                    "OTEL_METRIC_EXPORT_INTERVAL", "300", "OTEL_BSP_SCHEDULE_DELAY", "200"));
            if (!exponential) {
                env.put("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", histograms);
            }
            try (TracedDaemon d = new TracedDaemon(1.0, env, state)) {
                d.awaitBackfill();
                // From here nothing changes: the next cycle is an hour away on a clock that stands still.
                MetricsText scraped = MetricsText.parse(d.get("/metrics", "text/plain").body());
                Map<String, Map<Integer, Long>> scrapedNative = nativeBuckets(scrape(d, PROTOBUF));
                int before = receiver.metricRequests.size();
                // The second push to arrive after the scrape was collected after it.
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.metricRequests.size() >= before + 2);
                ExportMetricsServiceRequest push = receiver.metricRequests.get(before + 1);

                Pushed pushed = Pushed.of(push);
                assertEquals(koreSeriesAsPushed(scraped, exponential), pushed.series,
                        "every kore_* series as /metrics shows it");
                if (exponential) {
                    assertEquals(scrapedNative, pushed.nativeBuckets, "native buckets as the protobuf scrape has them");
                    assertTrue(pushed.nativeBuckets.size() > 20, "latency series: " + pushed.nativeBuckets.size());
                } else {
                    assertEquals(Map.of(), pushed.nativeBuckets);
                }

                assertMatchesGroundTruth(d, pushed.series, exponential);
                assertEquals(Set.of("kore-exporter"), pushed.serviceNames);
                assertEquals(Set.of("dev.koreexporter.metrics"), pushed.scopes);
                pushed.metrics.forEach(m -> assertMetadata(m, exponential));

                assertTrue(d.tracer.flush(Duration.ofSeconds(30)));
                Set<String> spans = receiver.spans().stream().map(s -> s.traceId() + "/" + s.spanId())
                        .collect(Collectors.toSet());
                assertFalse(pushed.exemplars.isEmpty(), "the latency histograms carry the turns' exemplars");
                assertTrue(spans.containsAll(pushed.exemplars), "every exemplar points to a span the backend has");
                if (receiver instanceof OtlpReceiver.Http http) {
                    assertTrue(http.contentTypes.stream().allMatch("application/x-protobuf"::equals),
                            http.contentTypes::toString);
                }
            }
        }
    }

    /**
     * With the default interval (a minute) no push happens during the backfill; stopping the daemon pushes once,
     * with the final counts: what /metrics showed last.
     */
    @Test
    void stoppingPushesTheFinalCountsOnce() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver.Http()) {
            Map<String, String> env = Map.of("OTEL_METRICS_EXPORTER", "otlp", "OTEL_TRACES_EXPORTER", "none",
                    "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
            MetricsText last;
            try (TracedDaemon d = new TracedDaemon(1.0, env, state)) {
                d.awaitBackfill();
                last = MetricsText.parse(d.get("/metrics", "text/plain").body());
                assertEquals(0, receiver.metricRequests.size(), "no push before the first interval ends");
            }
            assertEquals(1, receiver.metricRequests.size(), "one push when stopping");
            Pushed pushed = Pushed.of(receiver.metricRequests.getFirst());
            assertEquals(koreSeriesAsPushed(last, true), pushed.series);
            assertTrue(pushed.series.keySet().stream().anyMatch(k -> k.startsWith("kore_turn_gap_seconds_count{")));
        }
    }

    /** Name, unit, type and temporality from the catalogue: latency histograms exponential, counters monotonic. */
    private static void assertMetadata(Metric m, boolean exponential) {
        KoreMeter meter = BY_OTEL_NAME.get(m.getName());
        assertEquals(meter.otelUnit(), m.getUnit(), m.getName());
        assertEquals(meter.help(), m.getDescription(), m.getName());
        switch (meter.type()) {
            case COUNTER -> {
                assertTrue(m.hasSum() && m.getSum().getIsMonotonic(), m.getName());
                assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                        m.getSum().getAggregationTemporality(), m.getName());
            }
            case GAUGE -> assertTrue(m.hasGauge(), m.getName());
            case HISTOGRAM -> {
                if (meter.latency() && exponential) {
                    assertTrue(m.hasExponentialHistogram(), m.getName());
                    assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                            m.getExponentialHistogram().getAggregationTemporality(), m.getName());
                } else {
                    assertTrue(m.hasHistogram(), m.getName());
                    assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                            m.getHistogram().getAggregationTemporality(), m.getName());
                }
            }
        }
    }

    /** The turn histograms of each bot as ground truth has them (an exponential one: its count and sum). */
    private static void assertMatchesGroundTruth(TracedDaemon d, Map<String, Double> pushed, boolean exponential) {
        Map<String, String> names = d.sim.bots().stream().collect(Collectors.toMap(SimBot::botId, SimBot::name));
        List<TracedDaemon.Turn> turns = d.turns();
        assertTrue(turns.size() > 100, "the hour holds turns: " + turns.size());
        for (SimBot bot : d.sim.bots()) {
            List<Message> ofBot = turns.stream().filter(t -> names.get(t.botId()).equals(bot.name()))
                    .map(TracedDaemon.Turn::message).toList();
            ExpectedMetrics.turnHistograms(bot.name()).forEach((name, observe) -> {
                boolean latency = exponential && KoreMeter.named(name).orElseThrow().latency();
                Map<String, Double> expected = new TreeMap<>(ExpectedMetrics.histogram(name,
                        ofBot.stream().map(observe).filter(Objects::nonNull).toList()));
                if (latency) {
                    expected.keySet().removeIf(k -> k.startsWith(name + "_bucket"));
                }
                Map<String, Double> actual = new TreeMap<>();
                pushed.forEach((k, v) -> {
                    if (k.startsWith(name + "_") && k.contains("bot=\"" + bot.name() + "\"")) {
                        actual.put(k, v);
                    }
                });
                assertEquals(expected.keySet(), actual.keySet(), name + " of " + bot.name());
                expected.forEach((k, v) -> assertEquals(v, actual.get(k), k.contains("_sum{") ? 1e-6 : 0, k));
            });
        }
    }

    /** The scrape's kore_* series; with exponential latency histograms, those without their classic buckets. */
    private static Map<String, Double> koreSeriesAsPushed(MetricsText scraped, boolean exponential) {
        Map<String, Double> out = new TreeMap<>();
        scraped.series().forEach((k, v) -> {
            String name = k.contains("{") ? k.substring(0, k.indexOf('{')) : k;
            boolean latencyBucket = exponential && name.endsWith("_bucket") && KoreMeter.named(name.replaceFirst("_bucket$", ""))
                    .map(KoreMeter::latency).orElse(false);
            if (name.startsWith("kore_") && !latencyBucket) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static byte[] scrape(TracedDaemon d, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.daemon.port() + "/metrics"))
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    /** The native buckets of every latency series of a protobuf scrape: Prometheus bucket index to count. */
    private static Map<String, Map<Integer, Long>> nativeBuckets(byte[] body) throws Exception {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        InputStream in = new ByteArrayInputStream(body);
        Metrics.MetricFamily f;
        while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
            if (!KoreMeter.named(f.getName()).map(KoreMeter::latency).orElse(false)) {
                continue;
            }
            for (Metrics.Metric m : f.getMetricList()) {
                Map<String, String> labels = new TreeMap<>();
                m.getLabelList().forEach(l -> labels.put(l.getName(), l.getValue()));
                Metrics.Histogram h = m.getHistogram();
                Map<Integer, Long> buckets = new TreeMap<>();
                int index = 0;
                long count = 0;
                int delta = 0;
                for (Metrics.BucketSpan span : h.getPositiveSpanList()) {
                    index += span.getOffset();
                    for (int i = 0; i < span.getLength(); i++) {
                        count += h.getPositiveDelta(delta++);
                        if (count > 0) {
                            buckets.put(index, count);
                        }
                        index++;
                    }
                }
                buckets.put(Integer.MIN_VALUE, h.getZeroCount());
                buckets.put(Integer.MAX_VALUE, (long) h.getSchema());
                out.put(MetricsText.key(f.getName(), labels), buckets);
            }
        }
        return out;
    }

    /** A push flattened to Prometheus-style series keys under the catalogue's Prometheus names. */
    private record Pushed(List<Metric> metrics, Map<String, Double> series, Map<String, Map<Integer, Long>> nativeBuckets,
                          Set<String> exemplars, Set<String> serviceNames, Set<String> scopes) {
        static Pushed of(ExportMetricsServiceRequest request) {
            Pushed p = new Pushed(new ArrayList<>(), new TreeMap<>(), new TreeMap<>(), new HashSet<>(), new HashSet<>(),
                    new HashSet<>());
            for (ResourceMetrics rm : request.getResourceMetricsList()) {
                rm.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
                        .forEach(kv -> p.serviceNames.add(kv.getValue().getStringValue()));
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    p.scopes.add(sm.getScope().getName());
                    for (Metric m : sm.getMetricsList()) {
                        assertTrue(BY_OTEL_NAME.containsKey(m.getName()), "a catalogue meter: " + m.getName());
                        p.metrics.add(m);
                        p.add(BY_OTEL_NAME.get(m.getName()), m);
                    }
                }
            }
            return p;
        }

        private void add(KoreMeter meter, Metric m) {
            String name = meter.metricName();
            switch (m.getDataCase()) {
                case SUM -> m.getSum().getDataPointsList().forEach(pt -> series.put(key(name, pt.getAttributesList()),
                        value(pt)));
                case GAUGE -> m.getGauge().getDataPointsList().forEach(pt -> series.put(
                        key(name, pt.getAttributesList()), value(pt)));
                case HISTOGRAM -> m.getHistogram().getDataPointsList().forEach(pt -> explicit(name, pt));
                case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList()
                        .forEach(pt -> exponential(name, pt));
                default -> throw new AssertionError("unexpected data of " + m.getName() + ": " + m.getDataCase());
            }
        }

        private void explicit(String name, HistogramDataPoint pt) {
            long cumulative = 0;
            for (int i = 0; i < pt.getBucketCountsCount(); i++) {
                cumulative += pt.getBucketCounts(i);
                Map<String, String> labels = labels(pt.getAttributesList());
                labels.put("le", i < pt.getExplicitBoundsCount() ? Double.toString(pt.getExplicitBounds(i)) : "+Inf");
                series.put(MetricsText.key(name + "_bucket", labels), (double) cumulative);
            }
            series.put(key(name + "_count", pt.getAttributesList()), (double) pt.getCount());
            series.put(key(name + "_sum", pt.getAttributesList()), pt.getSum());
            exemplars(pt.getExemplarsList());
        }

        private void exponential(String name, ExponentialHistogramDataPoint pt) {
            series.put(key(name + "_count", pt.getAttributesList()), (double) pt.getCount());
            series.put(key(name + "_sum", pt.getAttributesList()), pt.getSum());
            Map<Integer, Long> buckets = new TreeMap<>();
            ExponentialHistogramDataPoint.Buckets positive = pt.getPositive();
            for (int i = 0; i < positive.getBucketCountsCount(); i++) {
                if (positive.getBucketCounts(i) > 0) {
                    // OpenTelemetry's bucket i is (base^i, base^(i+1)]; Prometheus' i + 1 is the same.
                    buckets.put(positive.getOffset() + i + 1, positive.getBucketCounts(i));
                }
            }
            assertEquals(0, pt.getNegative().getBucketCountsCount(), "no negative latency");
            buckets.put(Integer.MIN_VALUE, pt.getZeroCount());
            buckets.put(Integer.MAX_VALUE, (long) pt.getScale());
            nativeBuckets.put(key(name, pt.getAttributesList()), buckets);
            exemplars(pt.getExemplarsList());
        }

        private void exemplars(List<Exemplar> list) {
            for (Exemplar e : list) {
                exemplars.add(HEX.formatHex(e.getTraceId().toByteArray()) + "/" + HEX.formatHex(e.getSpanId().toByteArray()));
            }
        }

        private static double value(NumberDataPoint pt) {
            return pt.hasAsDouble() ? pt.getAsDouble() : pt.getAsInt();
        }

        private static Map<String, String> labels(List<KeyValue> attributes) {
            Map<String, String> labels = new HashMap<>();
            attributes.forEach(kv -> labels.put(kv.getKey(), kv.getValue().getStringValue()));
            return labels;
        }

        private static String key(String name, List<KeyValue> attributes) {
            return MetricsText.key(name, labels(attributes));
        }
    }
}
