package dev.koreexporter.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.testing.MetricsText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar as two processes, simulator and exporter: SIGTERM mid-ingest exits 0 and a restart is exact;
 * kill -9 mid-ingest loses nothing. Ground truth comes from the simulator's {@code GET /sim/truth} once
 * {@code POST /sim/freeze} has stopped its clock, so both sides refer to the same records.
 */
class FaultSuiteProcessIT {
    private static final Path JAR = Path.of("target/kore-exporter.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;
    private int simPort;
    private Path config;

    @BeforeEach
    void startSimulator() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build it with `mvn package` (mvn verify does) first");
        simPort = freePort();
        // No lateness: a record is visible when it is created, so a frozen clock freezes what can be read.
        startSimulator("sim", "--port", "" + simPort, "--lateness", "0s", "--rate", "2");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get(simPort, "/sim/bots").statusCode() == 200);
        config = writeConfig(freePort());
    }

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
        http.close();
    }

    @Test
    void sigtermMidIngestExitsZeroAndTheRestartIsExact() throws Exception {
        // Every call takes 4 s: the scrape just before SIGTERM is (almost surely) not followed by another page.
        post("/sim/faults", "{\"type\":\"slow\",\"delayMs\":4000}");
        Process first = start("exporter-1", "--config", config.toString());
        MetricsText before = scrapeBetweenPages();
        first.destroy();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS), "exited within 10 s of SIGTERM");
        assertEquals(0, first.exitValue());

        clearFaults();
        Process second = start("exporter-2", "--config", config.toString());
        post("/sim/freeze", "");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                assertEquals(truth(), exported(before, scrape())));
        second.destroy();
        assertTrue(second.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, second.exitValue());
    }

    @Test
    void killMinus9MidIngestLosesNothing() throws Exception {
        // Slow calls again, so that the scrape just before the kill has seen every page the checkpoint holds.
        post("/sim/faults", "{\"type\":\"slow\",\"delayMs\":4000}");
        Process first = start("exporter-1", "--config", config.toString());
        MetricsText before = scrapeBetweenPages();
        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));

        clearFaults();
        start("exporter-2", "--config", config.toString());
        post("/sim/freeze", "");
        SimulatorOptions pages = SimulatorOptions.defaults();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Double> truth = truth();
            Map<String, Double> exported = exported(before, scrape());
            for (var e : truth.entrySet()) {
                double got = exported.getOrDefault(e.getKey(), 0.0);
                assertTrue(got >= e.getValue(), e.getKey() + " lost records: " + got + " < " + e.getValue());
                // What was counted after the last checkpoint is counted again: at most one page per stream.
                double onePagePerStream = e.getKey().contains("messages") || e.getKey().contains("turns")
                        ? 3.0 * pages.v2PageCap() : e.getKey().contains("sessions") ? 2.0 * pages.sessionsPageCap()
                        : pages.agentAiPageCap();
                assertTrue(got <= e.getValue() + onePagePerStream, e.getKey() + ": " + got + " vs " + e.getValue());
            }
        });
    }

    /**
     * kill -9 again and again while reading pages (README "Reliability and security"): each restarted process goes on
     * from its checkpoint with the bots' counters and histograms where the checkpoint left them, so no scrape ever
     * sees one go down, and at the end the last process alone shows ground truth: the page in flight at each kill
     * neither lost nor counted twice.
     */
    @Test
    void killMinus9MidPagingAgainAndAgainNeverTakesACounterBackAndTheLastProcessIsExact() throws Exception {
        // Pages of 10 records, each answered after 300 ms: each read of the backfill is many pages, for seconds.
        post("/sim/faults", "[{\"type\":\"small-pages\"},{\"type\":\"slow\",\"delayMs\":300}]");
        List<MetricsText> scrapes = new ArrayList<>();
        Random random = new Random(22);
        List<Double> killedAt = new ArrayList<>();
        Process exporter = start("exporter-1", "--config", config.toString());
        for (int run = 2; run <= 5; run++) {
            // Until this process has counted pages of its own, then a moment more, so kills fall anywhere in a page.
            double restored = messages(scrapeWhile(scrapes, Duration.ofSeconds(60), m -> false));
            MetricsText last = scrapeWhile(scrapes, Duration.ofSeconds(60), m -> messages(m) <= restored + 20);
            await().pollDelay(Duration.ofMillis(random.nextInt(1500))).until(() -> true);
            killedAt.add(messages(last));
            exporter.destroyForcibly();
            assertTrue(exporter.waitFor(10, TimeUnit.SECONDS));
            exporter = start("exporter-" + run, "--config", config.toString());
        }
        clearFaults();
        post("/sim/freeze", "");
        Map<String, Double> truth = truth();
        MetricsText end = scrapeWhile(scrapes, Duration.ofSeconds(120),
                m -> !ProcessCounts.exported(SimulatorOptions.DEMO_BOTS, List.of(m)).equals(truth));

        double counted = messages(end);
        assertTrue(killedAt.stream().allMatch(n -> n < counted / 2), "each kill came in the middle of the backfill, "
                + "its reads under way: " + killedAt + " of " + counted + " messages counted");
        assertEquals(List.of(), MetricsText.wentDown(scrapes), "no bot's counter or histogram ever went down");
        assertEquals(truth, ProcessCounts.exported(SimulatorOptions.DEMO_BOTS, List.of(end)),
                "the last process alone: every record, each once");
        System.out.printf("kill -9 x4 mid-paging at %s messages: %d scrapes, never down; %.0f messages at the end%n",
                killedAt, scrapes.size(), counted);
    }

    private static double messages(MetricsText m) {
        return m.sum("kore_messages_total");
    }

    /** Scrapes every 200 ms (keeping each answer) while {@code going} holds; returns the first scrape where not. */
    private MetricsText scrapeWhile(List<MetricsText> scrapes, Duration atMost, Predicate<MetricsText> going) {
        AtomicReference<MetricsText> last = new AtomicReference<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            MetricsText m = scrape();
            scrapes.add(m);
            last.set(m);
            return !going.test(m);
        });
        return last.get();
    }

    private Path writeConfig(int exporterPort) throws IOException {
        this.exporterPort = exporterPort;
        return Files.writeString(tmp.resolve("config.yaml"),
                ProcessCounts.config(exporterPort, simPort, tmp.resolve("state"), SimulatorOptions.DEMO_BOTS));
    }

    private int exporterPort;

    /**
     * Once every bot has counted a page, half a (4 s) call later: the bots' calls run in step, so this is
     * the middle of the gap between two pages, where scraping then stopping cannot miss a counted page.
     */
    private MetricsText scrapeBetweenPages() {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> SimulatorOptions.DEMO_BOTS.stream()
                .allMatch(b -> scrapeUnchecked().sum("kore_messages_total", "bot", b.name()) > 0));
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        return scrapeUnchecked();
    }

    private MetricsText scrapeUnchecked() {
        try {
            return scrape();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private MetricsText scrape() throws Exception {
        return MetricsText.parse(get(exporterPort, "/metrics").body());
    }

    private Process start(String name, String... args) throws IOException {
        return launch(name, List.of("-jar", JAR.toString()), args);
    }

    /** The simulator with its lab (/sim/*), from the jar and the test classes. */
    private Process startSimulator(String name, String... args) throws IOException {
        return launch(name, ProcessCounts.labSimulator(JAR), args);
    }

    private Process launch(String name, List<String> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC"));
        cmd.addAll(main);
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        // No collector runs here: with the default OTLP exporter the poller would wait for span room in the
        // middle of a page until the first export fails, and "between pages" below relies on pages being
        // counted at once. Tracing under shutdown is covered by the tracing tests.
        builder.environment().put("OTEL_TRACES_EXPORTER", "none");
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(simPort, path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
    }

    private void clearFaults() throws Exception {
        http.send(HttpRequest.newBuilder(uri(simPort, "/sim/faults")).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Map<String, Double> truth() throws Exception {
        return ProcessCounts.truth(JSON.readTree(get(simPort, "/sim/truth").body()));
    }

    private static Map<String, Double> exported(MetricsText first, MetricsText second) {
        return ProcessCounts.exported(SimulatorOptions.DEMO_BOTS, first, second);
    }
}
