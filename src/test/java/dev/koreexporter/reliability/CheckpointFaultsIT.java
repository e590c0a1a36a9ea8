package dev.koreexporter.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.Daemon;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.poll.BotStatus;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.tracing.OtelTurnTracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint that cannot be read stops that bot only, visibly, and is left byte for byte as it was; the
 * other bots stay exact against ground truth (README "Reliability and security").
 */
class CheckpointFaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** What a damaged checkpoint holds, made from the bot's real one. */
    private static byte[] damage(String kind, byte[] whole) {
        String text = new String(whole, StandardCharsets.UTF_8);
        String out = switch (kind) {
            case "truncated" -> text.substring(0, text.length() / 2);
            case "not-json" -> "this is not json {";
            case "null" -> "null";
            case "empty" -> "";
            case "unknown-version" -> text.replaceFirst("\"version\":\\d+", "\"version\":99");
            default -> throw new IllegalArgumentException(kind);
        };
        assertFalse(out.equals(text), kind + " changed the file");
        return out.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"truncated", "not-json", "null", "empty", "unknown-version"})
    void anUnreadableCheckpointStopsOnlyItsBotAndStaysAsItWas(String kind) throws Exception {
        try (FaultHarness h = new FaultHarness(tmp.resolve("state"), FaultHarness.defaultSim(3))) {
            String victim = h.bots.getFirst().name();
            // A real checkpoint of the victim, written by an earlier run elsewhere, then damaged in the state dir.
            FaultHarness.Run first = h.start(tmp.resolve("earlier"));
            first.cycle();
            first.stopGracefully();
            Path file = Files.createDirectories(h.stateDir).resolve(victim + ".checkpoint.json");
            byte[] bytes = damage(kind, Files.readAllBytes(tmp.resolve("earlier").resolve(victim + ".checkpoint.json")));
            Files.write(file, bytes);

            FaultHarness.Run second = h.startSlots();
            // The slot builds the poller (so its floor) in the first cycle, one interval on.
            Instant floor = h.clock.instant().plus(FaultHarness.INTERVAL).minus(FaultHarness.POLL.backfill());
            Instant asOf = h.finish(second);

            // The other bots (fresh in this state dir): exact against ground truth from their first floor.
            GroundTruthAssert.assertExact(h.sim, floor, asOf, second.metrics().series(), b -> !b.name().equals(victim));
            MetricsText m = second.metrics();
            assertEquals(0.0, second.up(victim));
            assertTrue(m.series().containsKey("kore_exporter_up{bot=\"" + victim + "\"}"), "up is exported, as 0");
            assertEquals(0.0, m.sum("kore_messages_total", "bot", victim), "nothing counted twice");
            assertEquals(0.0, m.sum("kore_exporter_api_requests_total", "bot", victim), "not polled at all");
            BotStatus status = second.status(victim);
            assertEquals(BotStatus.Mode.STOPPED, status.mode());
            assertTrue(status.lastError().contains(file.toString()) && status.lastError().contains("delete it"),
                    status.lastError());
            for (SimBot other : h.sim.bots().subList(1, 3)) {
                assertEquals(1.0, second.up(other.name()), other.name());
            }

            second.stopGracefully();
            assertArrayEquals(bytes, Files.readAllBytes(file), "the damaged file is left exactly as it was");

            // Deleting it (what the message says) starts the bot afresh, without a restart.
            FaultHarness.Run third = h.startSlots();
            Files.delete(file);
            third.cycle();
            assertEquals(BotStatus.Mode.POLLED, third.status(victim).mode());
            assertEquals(1.0, third.up(victim));
            third.stopGracefully();
        }
    }

    @Test
    void theDaemonNamesTheFileOnTheStatusPageAndInReadyWhichStays200() throws Exception {
        ManualClock clock = new ManualClock(FaultHarness.T0);
        Path state = Files.createDirectories(tmp.resolve("daemon-state"));
        List<Error> fatal = new CopyOnWriteArrayList<>();
        try (LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0).withSeed(3)
                .withClock(clock).withBots(SimulatorOptions.DEMO_BOTS.subList(0, 2))
                .withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(1))) {
            String victim = sim.bots().getFirst().name();
            Path file = state.resolve(victim + ".checkpoint.json");
            byte[] bytes = "null".getBytes(StandardCharsets.UTF_8);
            Files.write(file, bytes);
            ExporterConfig config = ConfigLoader.loadYaml(yaml(sim, state), "test", Map.of()).config();
            OtelTurnTracer tracer = OtelTurnTracer.forExporter(config.tracing(), InMemorySpanExporter.create());
            HttpClient http = HttpClient.newHttpClient();
            Daemon daemon = Daemon.start(config, clock, tracer, fatal::add);
            try {
                URI base = URI.create("http://127.0.0.1:" + daemon.port());
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> get(http, base, "/health/ready").statusCode() == 200);
                JsonNode ready = JSON.readTree(get(http, base, "/health/ready").body());
                JsonNode stopped = bot(ready, victim);
                assertEquals("stopped", stopped.get("polling").asText());
                assertTrue(stopped.get("ready").asBoolean());
                String error = stopped.get("lastError").asText();
                assertTrue(error.contains(file.toString()) && error.contains("delete it to start this bot afresh"),
                        error);
                JsonNode other = bot(ready, sim.bots().get(1).name());
                assertEquals("polled", other.get("polling").asText());
                assertTrue(other.get("lastCycleOk").asBoolean(), other.toString());

                String page = get(http, base, "/").body();
                assertTrue(page.contains("stopped") && page.contains(file.toString()), "status page names the file");
                MetricsText m = MetricsText.parse(get(http, base, "/metrics").body());
                assertEquals(0.0, m.value("kore_exporter_up", "bot", victim));
                assertTrue(m.series().containsKey("kore_exporter_up{bot=\"" + victim + "\"}"));
                assertEquals(1.0, m.value("kore_exporter_up", "bot", sim.bots().get(1).name()));
                assertEquals(0.0, m.sum("kore_messages_total", "bot", victim));
                assertTrue(m.sum("kore_messages_total", "bot", sim.bots().get(1).name()) > 0);
            } finally {
                daemon.close();
                tracer.close();
                http.close();
            }
            assertArrayEquals(bytes, Files.readAllBytes(file), "not rewritten at shutdown either");
            assertEquals(List.of(), fatal);
        }
    }

    private static JsonNode bot(JsonNode ready, String name) {
        for (JsonNode b : ready.get("bots")) {
            if (b.get("bot").asText().equals(name)) {
                return b;
            }
        }
        throw new AssertionError(name + " missing from " + ready);
    }

    private static HttpResponse<String> get(HttpClient http, URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String yaml(LabSimulator sim, Path state) {
        StringBuilder y = new StringBuilder()
                .append("server:\n  port: 0\n  host: 127.0.0.1\n")
                .append("kore:\n  base-url: ").append(sim.baseUrl()).append("\n  timeout: 5s\n")
                .append("poll:\n  interval: 1h\n  backfill: 1h\n")
                .append("state:\n  dir: ").append(state).append('\n')
                .append("bots:\n");
        for (SimBot b : sim.bots()) {
            y.append("  - name: ").append(b.name()).append("\n    id: ").append(b.botId())
                    .append("\n    client-id: ").append(b.clientId())
                    .append("\n    client-secret: \"").append(b.clientSecret()).append("\"\n")
                    .append(b.accountId() == null ? "" : "    account-id: " + b.accountId() + "\n")
                    .append("    channels: ").append(b.channels()).append('\n');
        }
        return y.toString();
    }
}
