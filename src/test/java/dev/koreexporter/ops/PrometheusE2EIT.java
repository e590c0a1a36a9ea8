package dev.koreexporter.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.koreexporter.metrics.Buckets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packaged exporter in demo mode, scraped by a real Prometheus running the repository's rules: every
 * dashboard query and recording rule works on what the exporter really serves. Needs target/kore-exporter.jar
 * (mvn package) and prometheus on the PATH.
 * <p>
 * Two Prometheus servers scrape it. Prometheus before 2.45 (Debian's 2.42 here) keeps ONLY the native form of a
 * histogram that has both when started with native histograms, and the feature flag applies to every scrape job
 * (each asks for protobuf): one 2.42 server cannot answer both the classic {@code _bucket} queries and the native
 * ones. So the "classic" server runs as before (text/OpenMetrics, exemplars, rules) and a "native" one with
 * {@code --enable-feature=native-histograms} answers the queries on native histograms. (From 2.45 one server
 * with {@code scrape_classic_histograms: true} does both: the docker-compose stack.)
 */
class PrometheusE2EIT {
    /**
     * Counters that only exist once their event happened (a 429, a malformed record). The demo need not
     * produce them; their panels fall back to 0 per bot, so the panel checks still cover them.
     */
    private static final Set<String> EVENT_ONLY_METRICS = Set.of(
            "kore_exporter_api_throttled_total", "kore_exporter_records_rejected_total");
    /**
     * Gauges only a replica started with {@code --shard} exports, which the demo is not (README "Running several
     * replicas"); ShardingIT sees them on /metrics, prometheus/tests/sharding-alerts.yml tests the alerts on them.
     */
    private static final Set<String> SHARDED_ONLY_METRICS = Set.of(
            "kore_exporter_shard_ordinal", "kore_exporter_shard_count");
    /** Metrics of a feature the demo leaves off (basic auth): alerts use them where it is on. */
    private static final Set<String> FEATURE_OFF_IN_DEMO = Set.of("kore_exporter_http_auth_failures_total");
    private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
    private static final Path LOGS = OpsRepo.ROOT.resolve("target/e2e");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Process exporter;
    private static Process prometheus;
    private static Process nativePrometheus;
    private static String exporterUrl;
    private static String prometheusUrl;
    private static String nativePrometheusUrl;

    @BeforeAll
    static void start() throws Exception {
        Path jar = OpsRepo.ROOT.resolve("target/kore-exporter.jar");
        if (!Files.isRegularFile(jar)) {
            fail(jar + " is missing: build it first (mvn -B package, or .ci/run); this test builds nothing.");
        }
        Path prometheusBinary = PromtoolIT.executable("prometheus");
        Files.createDirectories(LOGS);
        Path tmp = Files.createTempDirectory("kore-e2e");

        int exporterPort = freePort();
        exporterUrl = "http://127.0.0.1:" + exporterPort;
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder exporterCommand = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--demo")
                .directory(tmp.toFile())
                .redirectErrorStream(true)
                .redirectOutput(LOGS.resolve("exporter.log").toFile());
        Map<String, String> env = exporterCommand.environment();
        env.put("SERVER_PORT", String.valueOf(exporterPort));
        env.put("POLL_INTERVAL", "2s");
        env.put("STATE_DIR", Files.createDirectories(tmp.resolve("state")).toString());
        // Tracing on (latency exemplars need a span) without needing a collector: spans go to the log.
        env.put("OTEL_TRACES_EXPORTER", "console");
        env.put("OTEL_METRICS_EXPORTER", "none");
        env.put("OTEL_LOGS_EXPORTER", "none");
        exporter = exporterCommand.start();
        await("exporter /health/ready (log: target/e2e/exporter.log)")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .failFast("exporter exited, see target/e2e/exporter.log", () -> !exporter.isAlive())
                .until(() -> get(exporterUrl + "/health/ready").statusCode() == 200);

        String target = "127.0.0.1:" + exporterPort;
        int prometheusPort = freePort();
        prometheusUrl = "http://127.0.0.1:" + prometheusPort;
        prometheus = startPrometheus(prometheusBinary, writePrometheusConfig(tmp, target, true), tmp.resolve("tsdb"),
                prometheusPort, "exemplar-storage", "prometheus.log");
        int nativePort = freePort();
        nativePrometheusUrl = "http://127.0.0.1:" + nativePort;
        nativePrometheus = startPrometheus(prometheusBinary, writePrometheusConfig(tmp, target, false),
                tmp.resolve("tsdb-native"), nativePort, "exemplar-storage,native-histograms", "prometheus-native.log");
        for (String url : List.of(prometheusUrl, nativePrometheusUrl)) {
            await("prometheus " + url + "/-/ready (logs: target/e2e/prometheus*.log)")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .failFast("prometheus exited, see target/e2e/prometheus*.log",
                            () -> !prometheus.isAlive() || !nativePrometheus.isAlive())
                    .until(() -> get(url + "/-/ready").statusCode() == 200);
        }
    }

    private static Process startPrometheus(Path binary, Path config, Path tsdb, int port, String features, String log)
            throws IOException {
        return new ProcessBuilder(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + tsdb,
                "--web.listen-address=127.0.0.1:" + port,
                "--enable-feature=" + features)
                .redirectErrorStream(true)
                .redirectOutput(LOGS.resolve(log).toFile())
                .start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process p : new Process[] {nativePrometheus, prometheus, exporter}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * prometheus/prometheus.yml with the target, intervals and rule path rewritten for this run; the native
     * server runs no rules (they read classic buckets it does not keep).
     */
    private static Path writePrometheusConfig(Path dir, String target, boolean withRules) throws IOException {
        ObjectNode config = (ObjectNode) OpsRepo.readYaml(OpsRepo.PROMETHEUS_YML);
        ObjectNode global = (ObjectNode) config.path("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        ArrayNode rules = config.putArray("rule_files");
        if (withRules) {
            for (JsonNode f : OpsRepo.readYaml(OpsRepo.PROMETHEUS_YML).path("rule_files")) {
                rules.add(OpsRepo.PROMETHEUS_YML.resolveSibling(f.asText()).toString());
            }
        }
        ObjectNode job = (ObjectNode) config.path("scrape_configs").get(0);
        assertEquals("kore-exporter", job.path("job_name").asText());
        ((ObjectNode) job.path("static_configs").get(0)).putArray("targets").add(target);
        Path file = dir.resolve(withRules ? "prometheus.yml" : "prometheus-native.yml");
        OpsRepo.YAML.writeValue(file.toFile(), config);
        return file;
    }

    @Test
    void exporterTargetIsUp() {
        for (String server : List.of(prometheusUrl, nativePrometheusUrl)) {
            await("target kore-exporter up on " + server + " (see target/e2e/prometheus*.log)")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .untilAsserted(() -> {
                        JsonNode result = query(server, "up{job=\"kore-exporter\"}");
                        assertEquals(1, result.size(), result.toString());
                        assertEquals("1", result.get(0).path("value").get(1).asText(),
                                "up; last error: " + lastScrapeError(server));
                    });
        }
    }

    @Test
    void nativeHistogramQuantileReturnsDataAndAgreesWithTheClassicBuckets() {
        await("p90 of the native kore_turn_latency_seconds").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
                    String time = String.valueOf(Instant.now().getEpochSecond() - 2);
                    JsonNode nativeP90 = query(nativePrometheusUrl,
                            "histogram_quantile(0.9, sum(rate(kore_turn_latency_seconds[1m])))", time);
                    JsonNode classicP90 = query(prometheusUrl,
                            "histogram_quantile(0.9, sum by (le) (rate(kore_turn_latency_seconds_bucket[1m])))", time);
                    assertEquals(1, nativeP90.size(), "native p90: " + nativeP90);
                    double p90 = nativeP90.get(0).path("value").get(1).asDouble();
                    double classic = classicP90.get(0).path("value").get(1).asDouble();
                    // The classic estimate interpolates inside the bucket holding the true p90; the native one is
                    // within a native bucket (~2-4 %) of it. Both servers scrape at their own moments: 20 % slack.
                    double[] bucket = classicBucket(Buckets.DEFAULTS
                            .get("kore_turn_latency_seconds"), classic);
                    assertTrue(p90 > 0 && p90 >= bucket[0] * 0.8 && p90 <= bucket[1] * 1.2,
                            "native p90 " + p90 + " in the classic bucket (" + bucket[0] + ", " + bucket[1]
                                    + "] of the classic p90 " + classic);
                });
    }

    @Test
    void before245ANativeHistogramServerKeepsOnlyTheNativeFormOfLatencyHistograms() {
        await("native and classic series on the native server").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
                    assertTrue(query(nativePrometheusUrl, "kore_turn_latency_seconds").size() > 0, "native series");
                    assertEquals(0, query(nativePrometheusUrl, "kore_turn_latency_seconds_bucket").size(),
                            "Prometheus 2.42 drops the classic buckets of a histogram that has both");
                    assertTrue(query(nativePrometheusUrl, "kore_exporter_api_request_duration_seconds_bucket").size() > 0,
                            "a classic-only histogram stays classic");
                    assertEquals(0, query(prometheusUrl, "kore_turn_latency_seconds").size(),
                            "the classic server stores no native histogram");
                });
    }

    /** The classic bucket (lower, upper] holding a value. */
    private static double[] classicBucket(List<Double> bounds, double value) {
        double lower = 0;
        for (double upper : bounds) {
            if (value <= upper) {
                return new double[] {lower, upper};
            }
            lower = upper;
        }
        return new double[] {lower, Double.POSITIVE_INFINITY};
    }

    @Test
    void everyMetricUsedByDashboardsAndRulesIsExposed() {
        Set<String> referenced = new TreeSet<>();
        for (String expr : allExpressions()) {
            referenced.addAll(OpsRepo.metricNames(expr));
        }
        referenced.removeAll(OpsRepo.recordingRuleNames());
        referenced.remove("up");
        referenced.removeAll(EVENT_ONLY_METRICS);
        referenced.removeAll(SHARDED_ONLY_METRICS);
        referenced.removeAll(FEATURE_OFF_IN_DEMO);
        // A native histogram has no series of its own in the text format: its classic buckets stand for it.
        OpsRepo.NATIVE_HISTOGRAMS.stream().filter(referenced::remove).forEach(n -> referenced.add(n + "_bucket"));
        assertTrue(referenced.size() > 20, "referenced " + referenced);
        await("metrics on /metrics").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions().untilAsserted(() -> {
                    Set<String> exposed = exposedNames();
                    Set<String> missing = new TreeSet<>(referenced);
                    missing.removeAll(exposed);
                    assertEquals(Set.of(), missing, "referenced but not on /metrics");
                });
    }

    @Test
    void everyDashboardQueryReturnsData() {
        Set<String> queries = new LinkedHashSet<>();
        for (Path f : OpsRepo.dashboardFiles()) {
            DashboardTest.exprs(OpsRepo.readJson(f)).forEach(e -> queries.add(OpsRepo.substituteVariables(e)));
        }
        assertTrue(queries.size() > 30, "queries: " + queries.size());
        await("every dashboard query returns data").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> {
                    List<String> empty = new ArrayList<>();
                    for (String q : queries) {
                        String server = OpsRepo.usesNativeHistograms(q) ? nativePrometheusUrl : prometheusUrl;
                        if (query(server, q).isEmpty()) {
                            empty.add(q);
                        }
                    }
                    assertEquals(List.of(), empty, "queries without data");
                });
    }

    @Test
    void everyRecordingRuleIsHealthy() {
        Set<String> expected = OpsRepo.recordingRuleNames();
        await("recording rules evaluated").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions().untilAsserted(() -> {
                    JsonNode groups = api("/api/v1/rules?type=record").path("groups");
                    Set<String> ok = new TreeSet<>();
                    List<String> broken = new ArrayList<>();
                    for (JsonNode g : groups) {
                        for (JsonNode r : g.path("rules")) {
                            if ("ok".equals(r.path("health").asText())) {
                                ok.add(r.path("name").asText());
                            } else {
                                broken.add(r.path("name").asText() + ": " + r.path("health").asText() + " " + r.path("lastError").asText());
                            }
                        }
                    }
                    Set<String> missing = new TreeSet<>(expected);
                    missing.removeAll(ok);
                    assertEquals(Set.of(), missing, "not ok: " + broken);
                });
    }

    @Test
    void latencyExemplarsAreStored() {
        assertExemplars(prometheusUrl, "kore_turn_latency_seconds_bucket");
    }

    /** The native quantile panels show exemplars too: the protobuf answer carries them on the native series. */
    @Test
    void nativeLatencyExemplarsAreStored() {
        assertExemplars(nativePrometheusUrl, "kore_turn_latency_seconds");
    }

    private static void assertExemplars(String server, String series) {
        await("exemplars of " + series + " on " + server).atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
                    Instant now = Instant.now();
                    JsonNode data = api(server, "/api/v1/query_exemplars?query=" + encode(series)
                            + "&start=" + now.minusSeconds(600).getEpochSecond() + "&end=" + now.getEpochSecond());
                    assertTrue(data.size() > 0 && data.get(0).path("exemplars").size() > 0, "exemplars: " + data);
                    assertEquals(series, data.get(0).path("seriesLabels").path("__name__").asText());
                    JsonNode labels = data.get(0).path("exemplars").get(0).path("labels");
                    assertTrue(labels.has("trace_id"), "exemplar has trace_id: " + labels);
                });
    }

    private static List<String> allExpressions() {
        List<String> exprs = new ArrayList<>();
        for (Path f : OpsRepo.dashboardFiles()) {
            exprs.addAll(DashboardTest.exprs(OpsRepo.readJson(f)));
        }
        OpsRepo.rules().forEach(r -> exprs.add(r.path("expr").asText()));
        return exprs;
    }

    private static Set<String> exposedNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : get(exporterUrl + "/metrics").body().split("\n")) {
            Matcher m = SAMPLE_NAME.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static JsonNode query(String promql) throws Exception {
        return query(prometheusUrl, promql);
    }

    private static JsonNode query(String server, String promql) throws Exception {
        return api(server, "/api/v1/query?query=" + encode(promql)).path("result");
    }

    private static JsonNode query(String server, String promql, String time) throws Exception {
        return api(server, "/api/v1/query?query=" + encode(promql) + "&time=" + time).path("result");
    }

    private static JsonNode api(String pathAndQuery) throws Exception {
        return api(prometheusUrl, pathAndQuery);
    }

    private static JsonNode api(String server, String pathAndQuery) throws Exception {
        HttpResponse<String> r = get(server + pathAndQuery);
        JsonNode body = OpsRepo.JSON.readTree(r.body());
        assertEquals("success", body.path("status").asText(), pathAndQuery + " -> " + r.body());
        return body.path("data");
    }

    private static String lastScrapeError(String server) {
        try {
            return api(server, "/api/v1/targets").path("activeTargets").toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
