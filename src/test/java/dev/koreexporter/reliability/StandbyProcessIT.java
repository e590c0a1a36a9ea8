package dev.koreexporter.reliability;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real exporter processes on one state dir (README "Reliability and security"): each bot is polled by
 * exactly one of them, the other stands by for it ({@code kore_exporter_standby} 1 and none of its other
 * series); under sum() they add up to ground truth; after a kill -9 of the holder the other takes the bot
 * over from the checkpoint, the bot's counters with it, so that joined as one series they never go down, and the
 * sum stays exact. Process A is configured with bots 0 and 1, B with 1 and
 * 2: each surely polls one bot alone, and they contend for bot 1.
 */
class StandbyProcessIT {
    private static final Path JAR = Path.of("target/kore-exporter.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<SimBot> BOTS = SimulatorOptions.DEMO_BOTS;
    private static final String SHARED = BOTS.get(1).name();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;
    private int simPort;

    @BeforeEach
    void startSimulator() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build it with `mvn package` (mvn verify does) first");
        simPort = freePort();
        // No lateness: a record is visible when it is created, so a frozen clock freezes what can be read.
        startSimulator("sim", "--port", "" + simPort, "--lateness", "0s", "--rate", "2");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get(simPort, "/sim/bots").statusCode() == 200);
    }

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
        http.close();
    }

    @Test
    void twoProcessesOnOneStateDirAddUpExactlyAndOneTakesOverAfterAKillMinus9() throws Exception {
        int portA = freePort();
        int portB = freePort();
        Process a = start("exporter-a", "--config", writeConfig("a", portA, BOTS.subList(0, 2)).toString());
        Process b = start("exporter-b", "--config", writeConfig("b", portB, BOTS.subList(1, 3)).toString());
        for (int port : List.of(portA, portB)) {
            // A bot on standby is ready after its first attempt, like a bot with bad credentials.
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> get(port, "/health/ready").statusCode() == 200);
        }

        MetricsText ma = scrape(portA);
        MetricsText mb = scrape(portB);
        assertEquals(0.0, ma.value("kore_exporter_standby", "bot", BOTS.get(0).name()));
        assertEquals(0.0, mb.value("kore_exporter_standby", "bot", BOTS.get(2).name()));
        boolean aHolds = ma.value("kore_exporter_standby", "bot", SHARED) == 0.0;
        MetricsText holder = aHolds ? ma : mb;
        MetricsText standing = aHolds ? mb : ma;
        assertEquals(1.0, standing.value("kore_exporter_standby", "bot", SHARED), "exactly one polls " + SHARED);
        assertEquals(0.0, holder.value("kore_exporter_standby", "bot", SHARED));
        assertEquals(List.of("kore_exporter_standby{bot=\"" + SHARED + "\"}"), seriesOf(standing, SHARED),
                "the standby process exposes none of the bot's other series");
        JsonNode ready = JSON.readTree(get(aHolds ? portB : portA, "/health/ready").body());
        assertTrue(ready.toString().contains("\"polling\":\"standby\""), ready.toString());

        post("/sim/freeze", "");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                assertEquals(truth(), exported(scrape(portA), scrape(portB))));

        // kill -9 the holder of the shared bot; the other takes it over from the checkpoint.
        Process killed = aHolds ? a : b;
        int survivorPort = aHolds ? portB : portA;
        MetricsText killedLast = scrape(aHolds ? portA : portB);
        // The two processes' scrapes in turn, joined as one series each (README "Reliability and security").
        List<MetricsText> joined = new ArrayList<>(List.of(killedLast));
        long t0 = System.nanoTime();
        killed.destroyForcibly();
        assertTrue(killed.waitFor(10, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            MetricsText m = scrape(survivorPort);
            joined.add(m);
            return m.value("kore_exporter_standby", "bot", SHARED) == 0.0 && m.value("kore_exporter_up", "bot", SHARED) == 1.0;
        });
        long takeoverMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("StandbyProcessIT: takeover after kill -9 took " + takeoverMs + " ms (poll.interval 1s)");
        Files.writeString(Path.of("target/standby-takeover-ms.txt"), takeoverMs + "\n");

        // The taker continues the bot's counters and histograms from the checkpoint: at once, as the holder left them
        // (the simulator is frozen), never lower, and its own series alone are exact.
        Map<String, Double> shared = shared(exported(MetricsText.parse(""), killedLast));
        assertEquals(shared(truth()), shared, "the killed holder had counted everything");
        assertEquals(shared, shared(exported(MetricsText.parse(""), joined.getLast())),
                "the taker's first scrape of the bot shows its cumulative counts, not zero");
        // Nothing counted twice by the new holder, nothing missing: the two processes still add up exactly.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            MetricsText survivor = scrape(survivorPort);
            joined.add(survivor);
            assertEquals(truth(), exported(killedLast, survivor));
            assertEquals(shared(truth()), shared(exported(MetricsText.parse(""), survivor)));
        });
        assertEquals(List.of(), MetricsText.wentDown(joined), "joined as one series, none went down at the takeover");
        assertTrue(scrape(survivorPort).sum("kore_exporter_duplicates_dropped_total", "bot", SHARED) > 0,
                "the new holder re-read the lookback and dropped what the killed one had counted");
    }

    /** The counts of the shared bot. */
    private static Map<String, Double> shared(Map<String, Double> counts) {
        Map<String, Double> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (k.startsWith(SHARED + " ")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static List<String> seriesOf(MetricsText m, String bot) {
        return m.series().keySet().stream().filter(k -> k.contains("bot=\"" + bot + "\"")).toList();
    }

    private Path writeConfig(String name, int exporterPort, List<SimBot> bots) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"),
                ProcessCounts.config(exporterPort, simPort, tmp.resolve("state"), bots));
    }

    private MetricsText scrape(int port) throws Exception {
        return MetricsText.parse(get(port, "/metrics").body());
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
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile()).start();
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
        return ProcessCounts.exported(BOTS, first, second);
    }
}
