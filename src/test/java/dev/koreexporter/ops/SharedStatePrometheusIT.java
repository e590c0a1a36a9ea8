package dev.koreexporter.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.PostgresCluster;
import dev.koreexporter.testing.SharedStateLab;
import dev.koreexporter.testing.SharedStateLab.Replica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus scrapes two replicas sharing state in PostgreSQL with the README's scrape config ("Running several
 * replicas": {@code instance} replaced by a fixed value on the series of a bot): across a takeover after a kill -9,
 * the bot's turns stay one series that never resets, and {@code increase()} over the takeover equals what ground truth
 * says happened, exactly.
 */
class SharedStatePrometheusIT {
    @RegisterExtension
    static final PostgresCluster PG = new PostgresCluster();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String TURNS = "kore_turn_latency_seconds_count";

    @TempDir
    Path tmp;

    @Test
    void increaseOfABotsTurnsIsExactAcrossATakeover() throws Exception {
        Path binary = PromtoolIT.executable("prometheus");
        try (SharedStateLab lab = new SharedStateLab(tmp, PG.database("prometheus"), 3, Duration.ofSeconds(5),
                // A poll interval at which each bot asks for less than its budget (see SharedStateProcessIT).
                Duration.ofSeconds(5), 60,
                "--lateness", "0s", "--rate", "20")) {
            Replica a = lab.start("a");
            Replica b = lab.start("b");
            lab.awaitReady(a);
            lab.awaitReady(b);
            int port = SharedStateLab.freePort();
            String prometheus = "http://127.0.0.1:" + port;
            Path config = Files.writeString(tmp.resolve("prometheus.yml"), prometheusConfig(List.of(a, b)));
            Process server = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> get(prometheus + "/-/ready").statusCode() == 200);
                lab.awaitExact("two replicas", false);
                // A bot with turns, on the replica that will be killed.
                String bot = null;
                Replica victim = null;
                for (Replica r : List.of(a, b)) {
                    MetricsText m = lab.scrape(r);
                    for (String candidate : SharedStateLab.exportedBots(m)) {
                        if (bot == null && m.sum(TURNS, "bot", candidate) > 0) {
                            bot = candidate;
                            victim = r;
                        }
                    }
                }
                assertTrue(bot != null, "a bot with turns");
                String series = TURNS + "{bot=\"" + bot + "\"}";
                String turns = "sum(" + series + ")";
                double before = lab.truth().get(bot + " turns");
                awaitScraped(prometheus, turns, before);
                long start = Math.ceilDiv(now(), 1000);
                // Frozen until the window's first step has passed: that step then sees the count before, not turns
                // counted in the second after the thaw.
                await().atMost(Duration.ofSeconds(2)).until(() -> now() > start * 1000);

                lab.thaw();
                Replica survivor = victim == a ? b : a;
                String moved = bot;
                lab.kill9(victim);
                await("taken over").atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        lab.scrape(survivor).value("kore_exporter_up", "bot", moved) == 1.0);
                lab.awaitExact("after the takeover", false);
                double after = lab.truth().get(bot + " turns");
                awaitScraped(prometheus, turns, after);
                assertTrue(after > before, "turns happened across the takeover: " + before + " -> " + after);
                // The last step after the sample that showed the count after (the simulator is frozen meanwhile).
                long end = Math.ceilDiv(now(), 1000);
                await().atMost(Duration.ofSeconds(2)).until(() -> now() > end * 1000);
                long span = end - start;

                // Each of the bot's series is one series across both replicas, and never goes down (a reset): the
                // two replicas never exported the bot at once.
                JsonNode range = query(prometheus, series + "[" + span + "s]", end * 1000);
                assertTrue(range.size() > 0, range.toString());
                for (JsonNode one : range) {
                    assertEquals("kore-exporter", one.get("metric").get("instance").asText(), one.toString());
                    JsonNode values = one.get("values");
                    for (int i = 1; i < values.size(); i++) {
                        assertTrue(values.get(i).get(1).asDouble() >= values.get(i - 1).get(1).asDouble(),
                                "never a reset: " + one);
                    }
                }
                // increase() over the takeover, on one-second steps aligned with the range (no extrapolation):
                // exactly what ground truth says happened meanwhile.
                String window = "[" + span + "s:1s]";
                JsonNode increase = query(prometheus, "increase(" + turns + window + ")", end * 1000);
                assertEquals(after - before, increase.get(0).get("value").get(1).asDouble(), 1e-9, increase.toString());
                assertEquals(0, query(prometheus, "resets(" + turns + window + ")", end * 1000)
                        .get(0).get("value").get(1).asInt());
            } finally {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
                Files.createDirectories(Path.of("target/e2e"));
                Files.copy(tmp.resolve("prometheus.log"), Path.of("target/e2e/shared-state-prometheus.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The README's job, on static targets instead of Kubernetes discovery, scraped every second. */
    private static String prometheusConfig(List<Replica> replicas) throws Exception {
        String readme = Files.readString(OpsRepo.ROOT.resolve("README.md"));
        int from = readme.indexOf("    metric_relabel_configs:\n", readme.indexOf("**Scraping replicas that share bots.**"));
        String relabel = readme.substring(from, readme.indexOf("```", from));
        StringBuilder y = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n")
                .append("  - job_name: kore-exporter\n    static_configs:\n      - targets: [");
        y.append(String.join(", ", replicas.stream().map(r -> "'127.0.0.1:" + r.port() + "'").toList())).append("]\n");
        return y.append(relabel).toString();
    }

    private static void awaitScraped(String prometheus, String series, double value) {
        await("Prometheus has " + series + " = " + value).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode result = query(prometheus, series, now());
                    assertEquals(1, result.size(), result.toString());
                    assertEquals(value, result.get(0).get("value").get(1).asDouble(), result.toString());
                });
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static JsonNode query(String prometheus, String promql, long atMillis) throws Exception {
        String time = String.format(Locale.ROOT, "%.3f", atMillis / 1000.0);
        HttpResponse<String> r = get(prometheus + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + time);
        JsonNode body = OpsRepo.JSON.readTree(r.body());
        assertEquals("success", body.path("status").asText(), promql + " -> " + r.body());
        return body.path("data").path("result");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
