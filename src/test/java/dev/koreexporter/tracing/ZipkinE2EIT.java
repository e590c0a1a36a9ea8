package dev.koreexporter.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.simulator.lab.TruthSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.koreexporter.tracing.Fixtures.BOT;
import static dev.koreexporter.tracing.Fixtures.closed;
import static dev.koreexporter.tracing.Fixtures.latency;
import static dev.koreexporter.tracing.Fixtures.turn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spans reach a real Zipkin server (3.5.1, in memory, on loopback), which maven-dependency-plugin copies to
 * target/zipkin/zipkin-server.jar in pre-integration-test. Outputs: target/zipkin-e2e/*.log.
 */
class ZipkinE2EIT {
    private static final Path TARGET = Path.of("target");
    private static final Path LOGS = TARGET.resolve("zipkin-e2e");
    private static final Pattern EXEMPLAR = Pattern.compile(
            "^kore_turn_latency_seconds_bucket\\{.*} \\S+ # \\{[^}]*trace_id=\"([0-9a-f]{32})\"", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Process> PROCESSES = new ArrayList<>();
    private static String zipkin;

    @BeforeAll
    static void startZipkin() throws IOException {
        Path jar = TARGET.resolve("zipkin/zipkin-server.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run `mvn verify` (pre-integration-test copies it)");
        Files.createDirectories(LOGS);
        int port = freePort();
        start("zipkin-server", Map.of("STORAGE_TYPE", "mem"), "-jar", jar.toString(),
                "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].port=" + port,
                "--armeria.ports[0].protocols=http");
        zipkin = "http://127.0.0.1:" + port;
        await("zipkin healthy").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> get(zipkin + "/health", "application/json").statusCode() == 200);
    }

    @AfterAll
    static void stopProcesses() throws InterruptedException {
        for (Process p : PROCESSES) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void tracerSendsEveryTurnOfASessionIntoOneZipkinTrace() {
        Map<String, String> env = Map.of("OTEL_TRACES_EXPORTER", "zipkin",
                "OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin + "/api/v2/spans");
        String session = "sess-e2e-" + System.nanoTime();
        Instant base = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        List<Message> turns = List.of(
                turn("m-a", session, base.plusMillis(4_000), latency(410.0, 620.0, 230.0, 95.0), null),
                turn("m-b", session, base.plusMillis(9_500), latency(380.5, 512.25, 201.0, null), null),
                turn("m-c", session, base.plusMillis(15_250), latency(295.0, 1_480.0, 190.0, 60.0), null));
        try (OtelTurnTracer tracer = OtelTurnTracer.fromEnvironment(new ExporterConfig.Tracing(false), env)) {
            turns.forEach(t -> tracer.turn(BOT, t));
            tracer.sessionClosed(BOT, closed(session, base, base.plusMillis(20_000)));
        }
        String traceId = SpanIds.traceId(BOT.id(), session);
        JsonNode trace = await("trace " + traceId).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> trace(traceId), t -> t.size() == 1 + 4 * turns.size());

        Map<String, JsonNode> byId = new HashMap<>();
        trace.forEach(s -> byId.put(s.get("id").asText(), s));
        JsonNode root = byId.get(SpanIds.sessionSpanId(BOT.id(), session));
        assertNotNull(root, "kore.session span");
        assertEquals("kore.session", root.get("name").asText());
        assertEquals(micros(base), root.get("timestamp").asLong());
        assertEquals(20_000_000L, root.get("duration").asLong());
        assertEquals("selfService", root.at("/tags/kore.containment").asText());
        assertEquals("kore-exporter", root.at("/localEndpoint/serviceName").asText());

        for (Message m : turns) {
            Latency l = m.latency();
            JsonNode t = byId.get(SpanIds.turnSpanId(m.id()));
            assertNotNull(t, "kore.turn of " + m.id());
            assertEquals("kore.turn", t.get("name").asText());
            assertEquals(traceId, t.get("traceId").asText());
            assertEquals(root.get("id").asText(), t.get("parentId").asText());
            assertEquals(Math.round(l.totalMs() * 1000), t.get("duration").asLong());
            assertEquals(micros(m.createdOn()) - Math.round(l.totalMs() * 1000), t.get("timestamp").asLong());
            assertEquals(m.id(), t.at("/tags/kore.message.id").asText());

            JsonNode asr = byId.get(SpanIds.turnIds(m.id()).asr());
            JsonNode bot = byId.get(SpanIds.turnIds(m.id()).bot());
            JsonNode tts = byId.get(SpanIds.turnIds(m.id()).tts());
            for (JsonNode child : List.of(asr, bot, tts)) {
                assertEquals(t.get("id").asText(), child.get("parentId").asText());
            }
            assertEquals(Math.round(l.asr().durationMs() * 1000), asr.get("duration").asLong());
            assertEquals(Math.round(l.bot().durationMs() * 1000), bot.get("duration").asLong());
            assertEquals(Math.round(l.tts().durationMs() * 1000), tts.get("duration").asLong());
            assertEquals(t.get("timestamp").asLong(), asr.get("timestamp").asLong());
            assertEquals(micros(m.createdOn()), tts.get("timestamp").asLong() + tts.get("duration").asLong());
            if (l.tts().firstByteMs() != null) {
                JsonNode event = tts.at("/annotations/0");
                // The OTel Zipkin exporter writes an event as `"name":{attributes}`.
                assertEquals("\"first_byte\":{}", event.get("value").asText());
                assertEquals(tts.get("timestamp").asLong() + Math.round(l.tts().firstByteMs() * 1000),
                        event.get("timestamp").asLong());
            }
        }
    }

    /** The daemon in demo mode: an exemplar's trace id from /metrics resolves in Zipkin. */
    @Test
    void demoDaemonExemplarsPointToTracesInZipkin() throws IOException {
        Path jar = TARGET.resolve("kore-exporter.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run `mvn verify` (package builds it)");
        int port = freePort();
        Path state = Files.createTempDirectory(LOGS.toAbsolutePath(), "state");
        Process daemon = start("kore-exporter-demo", Map.of("SERVER_PORT", String.valueOf(port),
                "POLL_INTERVAL", "2s", "STATE_DIR", state.toString(),
                "OTEL_TRACES_EXPORTER", "zipkin", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin + "/api/v2/spans",
                "OTEL_BSP_SCHEDULE_DELAY", "500"), "-jar", jar.toString(), "--demo");

        // The first cycle backfills an hour at once and may overflow the span queue (those drops are counted
        // in kore_exporter_spans_dropped_total), so look for an exemplar whose turn made it, as a user would.
        String found = await("an exemplar whose trace in Zipkin holds its kore.turn span").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .failFast("kore-exporter --demo exited early; its output is in " + LOGS, () -> !daemon.isAlive())
                .ignoreExceptions().until(() -> {
                    HttpResponse<String> r = get("http://127.0.0.1:" + port + "/metrics",
                            "application/openmetrics-text; version=1.0.0");
                    Matcher m = EXEMPLAR.matcher(r.body());
                    while (m.find()) {
                        String traceId = m.group(1);
                        for (JsonNode s : trace(traceId)) {
                            assertEquals(traceId, s.get("traceId").asText());
                            if (s.get("name").asText().equals("kore.turn")) {
                                return traceId;
                            }
                        }
                    }
                    return null;
                }, id -> id != null);
        assertEquals(32, found.length());
    }

    /**
     * A backfill far larger than the default span queue (2,048 spans, four per turn): every turn counted arrives
     * in Zipkin exactly once, every closed session has its session span, and every exemplar resolves.
     */
    @Test
    void backfillLargerThanTheQueueIsTracedCompletelyAndEveryExemplarResolves(@TempDir Path state)
            throws Exception {
        Map<String, String> env = Map.of("OTEL_TRACES_EXPORTER", "zipkin",
                "OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin + "/api/v2/spans");
        try (TracedDaemon d = new TracedDaemon(6.0, env, state)) {
            d.awaitBackfill();
            List<TracedDaemon.Turn> turns = d.turns();
            List<TruthSession> sessions = d.closedSessions();
            assertTrue(turns.size() >= 1_500, "backfill of at least 1,500 turns: " + turns.size());
            assertTrue(d.tracer.flush(Duration.ofSeconds(60)));
            assertEquals(0, d.tracer.spanCounts().lost(), d.tracer.spanCounts()::toString);

            Set<String> expectedTurns = turns.stream().map(t -> SpanIds.turnSpanId(t.message().id()))
                    .collect(Collectors.toSet());
            Set<String> expectedSessions = sessions.stream()
                    .map(s -> SpanIds.sessionSpanId(s.botId(), s.session().id()))
                    .collect(Collectors.toSet());
            Map<String, Set<String>> found = await("all spans in zipkin").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(ZipkinE2EIT::spanIdsByName, f -> f.getOrDefault("kore.turn", Set.of()).size()
                            >= expectedTurns.size());
            assertEquals(expectedTurns, found.get("kore.turn"), "distinct kore.turn spans = ground-truth turns");
            assertTrue(found.get("kore.session").containsAll(expectedSessions), "every closed session has its span");
            System.out.println("zipkin exactness: " + turns.size() + " turns, " + found.get("kore.turn").size()
                    + " kore.turn spans, " + sessions.size() + " closed sessions, counts " + d.tracer.spanCounts());

            Matcher m = EXEMPLAR_IDS.matcher(d.openMetrics());
            int exemplars = 0;
            while (m.find()) {
                exemplars++;
                String traceId = m.group(1);
                String spanId = m.group(2);
                boolean resolves = false;
                for (JsonNode s : trace(traceId)) {
                    resolves |= s.get("id").asText().equals(spanId) && s.get("name").asText().equals("kore.turn");
                }
                assertTrue(resolves, "exemplar " + traceId + "/" + spanId + " resolves to its kore.turn span");
            }
            assertTrue(exemplars > 10, "exemplars on the latency histograms: " + exemplars);
        }
    }

    private static final Pattern EXEMPLAR_IDS = Pattern.compile(
            "^kore_\\w+_seconds_bucket\\{.*} \\S+ # \\{(?=[^}]*trace_id=\"([0-9a-f]{32})\")(?=[^}]*span_id=\"([0-9a-f]{16})\")",
            Pattern.MULTILINE);

    /** Span ids by span name of every span Zipkin holds for kore-exporter around the simulated hour. */
    private static Map<String, Set<String>> spanIdsByName() throws IOException, InterruptedException {
        long endTs = TracedDaemon.T0.plus(Duration.ofDays(1)).toEpochMilli();
        long lookback = Duration.ofDays(3).toMillis();
        HttpResponse<String> r = get(zipkin + "/api/v2/traces?serviceName=kore-exporter&limit=1000000&endTs=" + endTs
                + "&lookback=" + lookback, "application/json");
        Map<String, Set<String>> byName = new HashMap<>();
        for (JsonNode trace : JSON.readTree(r.body())) {
            for (JsonNode s : trace) {
                byName.computeIfAbsent(s.get("name").asText(), k -> new HashSet<>()).add(s.get("id").asText());
            }
        }
        return byName;
    }

    private static JsonNode trace(String traceId) throws IOException, InterruptedException {
        HttpResponse<String> r = get(zipkin + "/api/v2/trace/" + traceId, "application/json");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("zipkin answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> get(String url, String accept) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Process start(String name, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(LOGS.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        PROCESSES.add(p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static long micros(Instant t) {
        return TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1_000;
    }
}
