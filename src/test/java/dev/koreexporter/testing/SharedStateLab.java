package dev.koreexporter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.LabSimulatorCommand;

import java.io.File;
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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exporter replicas sharing state in a real PostgreSQL, as processes (the jar), on the lab simulator as a process of its
 * own (README "Running several replicas", "Development"): for the process tests and the benchmark. Replicas poll every
 * second with a short lease; the simulator's clock can be frozen (to compare with ground truth) and let run again.
 */
public final class SharedStateLab implements AutoCloseable {
    public static final Path JAR = Path.of("target/kore-exporter.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One exporter process. */
    public record Replica(String name, int port, Process process) {
        public long pid() {
            return process.pid();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path dir;
    private final String dbUrl;
    private final List<SimBot> bots;
    private final Duration lease;
    private final int perMinute;
    private final int simPort;
    private final List<String> exporterLaunch;
    private final Duration interval;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Replica> live = new LinkedHashMap<>();

    /**
     * Starts the simulator with {@code botCount} bots ({@link LabSimulatorCommand#bots}).
     *
     * @param perMinute {@code kore.rate-limit.per-minute} of the replicas: a bot that moves is paced by what its
     *                  previous replica sent (the request log is shared), so a poll interval that asks for more than
     *                  this holds a moved bot's first cycle back by the minute's budget
     */
    public SharedStateLab(Path dir, String dbUrl, int botCount, Duration lease, int perMinute, String... simArgs)
            throws Exception {
        this(dir, dbUrl, botCount, lease, Duration.ofSeconds(1), perMinute, simArgs);
    }

    /** As above, with {@code poll.interval} {@code interval}. */
    public SharedStateLab(Path dir, String dbUrl, int botCount, Duration lease, Duration interval, int perMinute,
                          String... simArgs) throws Exception {
        this(dir, dbUrl, botCount, lease, interval, perMinute, jar(),
                List.of("-cp", JAR + File.pathSeparator + Path.of("target", "test-classes")), simArgs);
    }

    /**
     * @param interval        {@code poll.interval} of the replicas
     * @param exporterLaunch  how a JVM runs the exporter ({@code -jar target/kore-exporter.jar}, or a class path and
     *                        {@code dev.koreexporter.Main})
     * @param simulatorLaunch the class path the simulator and its lab run from
     */
    public SharedStateLab(Path dir, String dbUrl, int botCount, Duration lease, Duration interval, int perMinute,
                          List<String> exporterLaunch, List<String> simulatorLaunch, String... simArgs) throws Exception {
        this.exporterLaunch = exporterLaunch;
        this.interval = interval;
        this.dir = dir;
        this.dbUrl = dbUrl;
        this.bots = LabSimulatorCommand.bots(botCount);
        this.lease = lease;
        this.perMinute = perMinute;
        this.simPort = freePort();
        Files.writeString(dir.resolve("db-password"), PostgresCluster.PASSWORD + "\n");
        List<String> args = new ArrayList<>(List.of("--bots", "" + botCount, "--port", "" + simPort));
        args.addAll(List.of(simArgs));
        List<String> sim = new ArrayList<>(simulatorLaunch);
        sim.add(LabSimulatorCommand.class.getName());
        launch("simulator", sim, args);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(simPort, "/sim/bots").statusCode() == 200);
    }

    /** {@code -jar target/kore-exporter.jar}, failing clearly when it was not built. */
    public static List<String> jar() {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build it with `mvn package` (mvn verify does) first");
        return List.of("-jar", JAR.toString());
    }

    public List<SimBot> bots() {
        return bots;
    }

    /** Starts a replica; it is live until killed or terminated. */
    public Replica start(String name) throws IOException {
        int port = freePort();
        Path config = Files.writeString(dir.resolve(name + ".yaml"), config(port));
        Process p = launch(name, exporterLaunch, List.of("--config", config.toString()));
        Replica r = new Replica(name, port, p);
        live.put(name, r);
        return r;
    }

    public void awaitReady(Replica r) {
        await(r.name() + " ready (log " + dir.resolve(r.name() + ".log") + ")").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .failFast(r.name() + " exited", () -> !r.process().isAlive())
                .until(() -> get(r.port(), "/health/ready").statusCode() == 200);
    }

    public Collection<Replica> live() {
        return List.copyOf(live.values());
    }

    public MetricsText scrape(Replica r) throws Exception {
        HttpResponse<String> res = get(r.port(), "/metrics");
        assertEquals(200, res.statusCode(), r.name() + " /metrics");
        return MetricsText.parse(res.body());
    }

    public HttpResponse<String> get(Replica r, String path) throws Exception {
        return get(r.port(), path);
    }

    /** The bots a scrape exports: those with any series ({@code kore_exporter_up} is there from the start). */
    public static Set<String> exportedBots(MetricsText m) {
        Set<String> out = new TreeSet<>();
        for (String key : m.series().keySet()) {
            int at = key.indexOf("bot=\"");
            if (at >= 0) {
                out.add(key.substring(at + 5, key.indexOf('"', at + 5)));
            }
        }
        return out;
    }

    /** Bot to the live replicas that export it, from one scrape of each. */
    public Map<String, List<String>> exporters() throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        bots.forEach(b -> out.put(b.name(), new ArrayList<>()));
        for (Replica r : live()) {
            for (String bot : exportedBots(scrape(r))) {
                out.computeIfAbsent(bot, k -> new ArrayList<>()).add(r.name());
            }
        }
        return out;
    }

    /** Per bot: messages, turns, closed sessions (and by containment), Agent AI conversations; as the simulator counts. */
    public Map<String, Double> truth() throws Exception {
        Map<String, Double> out = new TreeMap<>();
        for (JsonNode b : JSON.readTree(get(simPort, "/sim/truth").body()).get("bots")) {
            String bot = b.get("name").asText();
            out.put(bot + " messages", b.get("countedMessages").asDouble());
            out.put(bot + " turns", b.get("countedTurns").asDouble());
            out.put(bot + " sessions", b.get("countedSessionsClosed").asDouble());
            b.get("countedClosedByContainment").fields().forEachRemaining(e ->
                    out.put(bot + " sessions " + e.getKey(), e.getValue().asDouble()));
            out.put(bot + " conversations", b.get("conversations").asDouble());
        }
        return out;
    }

    /** The same counts, summed over the scrapes of {@code replicas} as sum() in Prometheus would. */
    public Map<String, Double> exported(Collection<Replica> replicas) throws Exception {
        List<MetricsText> scrapes = new ArrayList<>();
        for (Replica r : replicas) {
            scrapes.add(scrape(r));
        }
        Map<String, Double> out = new TreeMap<>();
        for (SimBot b : bots) {
            String bot = b.name();
            out.put(bot + " messages", sum(scrapes, "kore_messages_total", "bot", bot));
            out.put(bot + " turns", sum(scrapes, "kore_turn_latency_seconds_count", "bot", bot));
            out.put(bot + " sessions", sum(scrapes, "kore_sessions_total", "bot", bot));
            for (String c : List.of("selfService", "dropOff", "agent")) {
                double n = sum(scrapes, "kore_sessions_total", "bot", bot, "containment", c);
                if (n > 0) {
                    out.put(bot + " sessions " + c, n);
                }
            }
            out.put(bot + " conversations", sum(scrapes, "kore_agentai_conversations_total", "bot", bot));
        }
        return out;
    }

    /**
     * Freezes the simulator, then waits until every bot is exported by exactly one live replica and their counts, summed
     * over the live replicas, equal ground truth; then lets the simulator run again.
     */
    public void awaitExact(String when) throws Exception {
        awaitExact(when, true);
    }

    /** As {@link #awaitExact(String)}; the simulator stays frozen unless {@code thaw}. */
    public void awaitExact(String when, boolean thaw) throws Exception {
        post("/sim/freeze");
        await(when + ": every bot exported by exactly one replica, counts equal to ground truth")
                .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
                    Map<String, List<String>> exporters = exporters();
                    exporters.forEach((bot, by) -> assertEquals(1, by.size(), when + ": " + bot + " exported by " + by));
                    assertEquals(truth(), exported(live()), when);
                });
        if (thaw) {
            post("/sim/thaw");
        }
    }

    public void freeze() throws Exception {
        post("/sim/freeze");
    }

    public void thaw() throws Exception {
        post("/sim/thaw");
    }

    public void kill9(Replica r) throws InterruptedException {
        live.remove(r.name());
        r.process().destroyForcibly();
        assertTrue(r.process().waitFor(10, TimeUnit.SECONDS));
    }

    /** SIGTERM, and the exit code 0 within 10 s (the contract's stop). */
    public void terminate(Replica r) throws InterruptedException {
        live.remove(r.name());
        r.process().destroy();
        assertTrue(r.process().waitFor(10, TimeUnit.SECONDS), r.name() + " stops within 10 s");
        assertEquals(0, r.process().exitValue(), r.name() + " exit code");
    }

    /** {@code kill -STOP} (true) or {@code kill -CONT} (false): the whole process pauses, its clocks do not. */
    public void pause(Replica r, boolean stop) throws Exception {
        Process k = new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", "" + r.pid()).inheritIO().start();
        assertTrue(k.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, k.exitValue());
    }

    public Path log(Replica r) {
        return dir.resolve(r.name() + ".log");
    }

    private String config(int port) {
        StringBuilder y = new StringBuilder()
                .append("server:\n  port: ").append(port).append("\n  host: 127.0.0.1\n")
                .append("kore:\n  base-url: http://127.0.0.1:").append(simPort).append("\n  timeout: 30s\n")
                .append("  rate-limit:\n    per-minute: ").append(perMinute).append("\n    per-hour: 1200\n")
                .append("poll:\n  interval: ").append(interval.toMillis()).append("ms\n  lookback: 20m\n  backfill: 2h\n")
                .append("  sweep-interval: ").append(Math.max(5, interval.toSeconds())).append("s\n")
                .append("state:\n  store: postgresql\n  lease-duration: ").append(lease.toSeconds()).append("s\n")
                .append("  postgresql:\n    url: ").append(dbUrl).append("\n    user: ").append(PostgresCluster.USER)
                .append("\n    password-file: ").append(dir.resolve("db-password")).append("\n")
                .append("bots:\n");
        for (SimBot b : bots) {
            y.append("  - name: ").append(b.name()).append("\n    id: ").append(b.botId())
                    .append("\n    client-id: ").append(b.clientId())
                    .append("\n    client-secret: ").append(b.clientSecret()).append("\n");
            if (b.accountId() != null) {
                y.append("    account-id: \"").append(b.accountId()).append("\"\n");
            }
            y.append("    channels: [").append(String.join(", ", b.channels())).append("]\n");
        }
        return y.toString();
    }

    private Process launch(String name, List<String> main, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(main);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("OTEL_TRACES_EXPORTER", "none");
        pb.environment().put("OTEL_METRICS_EXPORTER", "none");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static double sum(List<MetricsText> scrapes, String name, String... labels) {
        return scrapes.stream().mapToDouble(m -> m.sum(name, labels)).sum();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void post(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simPort + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            // SIGKILL ends a stopped process too.
            p.destroyForcibly();
        }
        http.close();
    }
}
