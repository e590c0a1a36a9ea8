package dev.koreexporter.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 */
class PrometheusE2EIT {
    /**
     * Counters that only exist once their event happened (a 429, a malformed record). The demo need not
     * produce them; their panels fall back to 0 per bot, so the panel checks still cover them.
     */
    private static final Set<String> EVENT_ONLY_METRICS = Set.of(
            "kore_exporter_api_throttled_total", "kore_exporter_records_rejected_total");
    private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
    private static final Path LOGS = OpsRepo.ROOT.resolve("target/e2e");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Process exporter;
    private static Process prometheus;
    private static String exporterUrl;
    private static String prometheusUrl;

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

        int prometheusPort = freePort();
        prometheusUrl = "http://127.0.0.1:" + prometheusPort;
        Path config = writePrometheusConfig(tmp, "127.0.0.1:" + exporterPort);
        prometheus = new ProcessBuilder(prometheusBinary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--enable-feature=exemplar-storage")
                .redirectErrorStream(true)
                .redirectOutput(LOGS.resolve("prometheus.log").toFile())
                .start();
        await("prometheus /-/ready (log: target/e2e/prometheus.log)")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .failFast("prometheus exited, see target/e2e/prometheus.log", () -> !prometheus.isAlive())
                .until(() -> get(prometheusUrl + "/-/ready").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process p : new Process[] {prometheus, exporter}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** prometheus/prometheus.yml with the target, intervals and rule path rewritten for this run. */
    private static Path writePrometheusConfig(Path dir, String target) throws IOException {
        ObjectNode config = (ObjectNode) OpsRepo.readYaml(OpsRepo.PROMETHEUS_YML);
        ObjectNode global = (ObjectNode) config.path("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        ArrayNode rules = config.putArray("rule_files");
        for (JsonNode f : OpsRepo.readYaml(OpsRepo.PROMETHEUS_YML).path("rule_files")) {
            rules.add(OpsRepo.PROMETHEUS_YML.resolveSibling(f.asText()).toString());
        }
        ObjectNode job = (ObjectNode) config.path("scrape_configs").get(0);
        assertEquals("kore-exporter", job.path("job_name").asText());
        ((ObjectNode) job.path("static_configs").get(0)).putArray("targets").add(target);
        Path file = dir.resolve("prometheus.yml");
        OpsRepo.YAML.writeValue(file.toFile(), config);
        return file;
    }

    @Test
    void exporterTargetIsUp() {
        await("target kore-exporter up (see target/e2e/prometheus.log)").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode result = query("up{job=\"kore-exporter\"}");
                    assertEquals(1, result.size(), result.toString());
                    assertEquals("1", result.get(0).path("value").get(1).asText(), "up; last error: " + lastScrapeError());
                });
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
                        if (query(q).isEmpty()) {
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
        await("exemplars of kore_turn_latency_seconds").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions().untilAsserted(() -> {
                    Instant now = Instant.now();
                    JsonNode data = api("/api/v1/query_exemplars?query=" + encode("kore_turn_latency_seconds_bucket")
                            + "&start=" + now.minusSeconds(600).getEpochSecond() + "&end=" + now.getEpochSecond());
                    assertTrue(data.size() > 0 && data.get(0).path("exemplars").size() > 0, "exemplars: " + data);
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
        return api("/api/v1/query?query=" + encode(promql)).path("result");
    }

    private static JsonNode api(String pathAndQuery) throws Exception {
        HttpResponse<String> r = get(prometheusUrl + pathAndQuery);
        JsonNode body = OpsRepo.JSON.readTree(r.body());
        assertEquals("success", body.path("status").asText(), pathAndQuery + " -> " + r.body());
        return body.path("data");
    }

    private static String lastScrapeError() {
        try {
            return api("/api/v1/targets").path("activeTargets").toString();
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
