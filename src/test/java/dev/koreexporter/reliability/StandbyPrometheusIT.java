package dev.koreexporter.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.testing.MetricsText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * README "Scraping two processes on one state dir", checked with a real Prometheus: two exporter processes on one
 * state dir, scraped every second with the README's {@code metric_relabel_configs} as they stand in the README, while
 * the simulator's traffic goes on; the holder of the bots is killed with -9 and the other takes them over. Prometheus
 * then holds each of the bots' series once, under the one {@code instance}, with no counter reset across the takeover
 * ({@code resets()} 0), ending at what the taker shows.
 */
class StandbyPrometheusIT {
    private static final Path JAR = Path.of("target/kore-exporter.jar");
    private static final Path README = Path.of("README.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
        http.close();
    }

    @Test
    void theReadmesScrapeConfigJoinsATakeoverIntoOneSeriesWithoutAReset() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build it with `mvn package` (mvn verify does) first");
        int simPort = freePort();
        launch("sim", ProcessCounts.labSimulator(JAR), "--port", "" + simPort, "--lateness", "0s", "--rate", "6");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(simPort, "/sim/bots").statusCode() == 200);
        int portA = freePort();
        int portB = freePort();
        Process a = exporter("a", portA, simPort);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(portA, "/health/ready").statusCode() == 200);
        Process b = exporter("b", portB, simPort);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(portB, "/health/ready").statusCode() == 200);
        assertEquals(0, scrape(portB).sum("kore_messages_total"), "b stands by for every bot: a took them first");

        int promPort = freePort();
        Path config = Files.writeString(tmp.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
                + readmeScrapeConfig().replace("['exporter-a:9469', 'exporter-b:9469']",
                "['127.0.0.1:" + portA + "', '127.0.0.1:" + portB + "']"));
        launchPrometheus(config, promPort);
        String pair = "instance=\"kore-exporter-pair\"";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> query(promPort, "count(kore_messages_total{" + pair + "})").size() == 1);
        // A few scrapes of the holder before the kill.
        await().pollDelay(Duration.ofSeconds(4)).until(() -> true);

        MetricsText before = scrape(portA);
        long killedAt = System.currentTimeMillis() / 1000;
        a.destroyForcibly();
        assertTrue(a.waitFor(10, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                scrape(portB).family("kore_exporter_standby").values().stream().allMatch(v -> v == 0.0));
        // Scrapes of the taker after the takeover, with traffic going on.
        await().pollDelay(Duration.ofSeconds(6)).until(() -> true);
        post(simPort, "/sim/freeze");
        MetricsText after = scrape(portB);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() ->
                scrape(portB).sum("kore_messages_total") == after.sum("kore_messages_total")
                        && number(query(promPort, "sum(kore_messages_total{" + pair + "})")) == after.sum("kore_messages_total"));
        MetricsText end = scrape(portB);

        assertTrue(end.sum("kore_messages_total") > before.sum("kore_messages_total"), "counted during the test");
        assertEquals(end.family("kore_messages_total").size(),
                (int) number(query(promPort, "count(kore_messages_total{" + pair + "})")),
                "one series for each of the bots' message series, not one per process");
        assertEquals(0, query(promPort, "kore_messages_total{instance!=\"kore-exporter-pair\"}").size());
        String window = "[" + (System.currentTimeMillis() / 1000 - killedAt + 30) + "s]";
        assertEquals(0, query(promPort, "resets(kore_messages_total" + window + ") > 0").size(),
                "no counter reset across the takeover");
        assertEquals(0, query(promPort, "resets(kore_turn_latency_seconds_bucket" + window + ") > 0").size());
        assertEquals(2, query(promPort, "count by (instance) (last_over_time(kore_exporter_standby" + window + "))")
                .size(), "each process's standby gauge keeps its own instance");
        System.out.printf("StandbyPrometheusIT: %.0f messages before the kill -9, %.0f after the takeover, one series"
                + " each in Prometheus, no reset%n", before.sum("kore_messages_total"), end.sum("kore_messages_total"));
    }

    /** The scrape config of README "Scraping two processes on one state dir", as it stands there. */
    private static String readmeScrapeConfig() throws IOException {
        String readme = Files.readString(README);
        int section = readme.indexOf("**Scraping two processes on one state dir.**");
        assertTrue(section > 0, "README has the section");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    private Process exporter(String name, int port, int simPort) throws IOException {
        Path config = Files.writeString(tmp.resolve(name + ".yaml"),
                ProcessCounts.config(port, simPort, tmp.resolve("state"), SimulatorOptions.DEMO_BOTS));
        return launch("exporter-" + name, List.of("-jar", JAR.toString()), "--config", config.toString());
    }

    private Process launch(String name, List<String> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC"));
        cmd.addAll(main);
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        builder.environment().put("OTEL_TRACES_EXPORTER", "none");
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    private void launchPrometheus(Path config, int port) throws IOException {
        Process p = new ProcessBuilder(prometheus().toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        processes.add(p);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(port, "/-/ready").statusCode() == 200);
    }

    private static Path prometheus() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "prometheus");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("prometheus is not installed (not on PATH): bin/test installs it (apt-get install prometheus)");
    }

    private JsonNode query(int port, String promql) throws Exception {
        JsonNode body = JSON.readTree(get(port, "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body());
        assertEquals("success", body.path("status").asText(), promql + " -> " + body);
        return body.path("data").path("result");
    }

    private static double number(JsonNode result) {
        return result.size() == 0 ? Double.NaN : result.get(0).path("value").get(1).asDouble();
    }

    private MetricsText scrape(int port) throws Exception {
        return MetricsText.parse(get(port, "/metrics").body());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void post(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
