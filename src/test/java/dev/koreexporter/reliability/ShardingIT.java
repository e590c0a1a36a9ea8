package dev.koreexporter.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.Daemon;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.tracing.OtelTurnTracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon with {@code --shard} (README "Running several replicas"): it polls and exports only its bots, with the
 * shard gauges, and a bot that left this replica and came back starts afresh, exact against ground truth from a
 * new backfill, instead of catching up from the checkpoint it left here.
 */
class ShardingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final Duration BACKFILL = Duration.ofHours(1);

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(T0);
    private final List<Error> fatal = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** A bot and two shard counts under which it belongs to different replicas; the first owner's index. */
    private record Move(SimBot bot, int index, int before, int after) {
        static Move find(List<SimBot> bots) {
            for (SimBot b : bots) {
                for (int after = 3; after <= 8; after++) {
                    int index = Shard.ownerOf(b.botId(), 2);
                    if (Shard.ownerOf(b.botId(), after) != index) {
                        return new Move(b, index, 2, after);
                    }
                }
            }
            throw new AssertionError("no demo bot changes replica between 2 and 8 shards");
        }
    }

    @Test
    void aReplicaPollsItsBotsAndABotThatLeftAndCameBackStartsAfreshExactly() throws Exception {
        try (LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0).withSeed(23)
                .withClock(clock).withBots(SimulatorOptions.DEMO_BOTS)
                .withHistory(Duration.ofHours(4)).withSessionsPerMinutePerBot(1))) {
            ExporterConfig config = ConfigLoader.loadYaml(yaml(sim, tmp.resolve("replica")), "test", Map.of()).config();
            Move move = Move.find(sim.bots());
            Shard home = new Shard(move.index(), move.before());

            // The bot's replica polls it, with its shard's other bots only, and says which shard it is.
            MetricsText first = runOnce(config, home);
            assertEquals(move.index(), first.value("kore_exporter_shard_ordinal"));
            assertEquals(move.before(), first.value("kore_exporter_shard_count"));
            for (SimBot b : sim.bots()) {
                assertEquals(home.owns(b.botId()), first.series().containsKey("kore_exporter_up{bot=\"" + b.name() + "\"}"),
                        b.name() + " polled by shard " + home + " only if it is its own");
            }

            // The same replica under the larger count: the bot is another replica's; its checkpoint here is marked.
            MetricsText second = runOnce(config, new Shard(move.index(), move.after()));
            assertFalse(second.series().containsKey("kore_exporter_up{bot=\"" + move.bot().name() + "\"}"));
            JsonNode stamp = JSON.readTree(tmp.resolve("replica").resolve(move.bot().name() + ".checkpoint.json")
                    .toFile()).path("seen").path("shardLayout");
            assertEquals(move.after(), stamp.path("movedUnder").asInt(), stamp.toString());

            // Two hours later, back to the first count: a backfill, as on a first start, not a catch-up.
            clock.advance(Duration.ofHours(2));
            Instant floor = clock.instant().minus(BACKFILL);
            MetricsText third = runOnce(config, home);
            GroundTruthAssert.assertExact(sim, floor, clock.instant(), third.series(), b -> b.equals(move.bot()));

            // Without --shard, no shard gauges.
            ExporterConfig alone = ConfigLoader.loadYaml(yaml(sim, tmp.resolve("alone")), "test", Map.of()).config();
            MetricsText unsharded = runOnce(alone, Shard.ALL);
            assertTrue(unsharded.series().keySet().stream().noneMatch(k -> k.startsWith("kore_exporter_shard_")),
                    unsharded.series().keySet().toString());
            assertEquals(List.of(), fatal);
        } finally {
            http.close();
        }
    }

    /** Starts the daemon, waits for every bot's first cycle, reads /metrics, stops it (checkpoints written). */
    private MetricsText runOnce(ExporterConfig config, Shard shard) throws Exception {
        OtelTurnTracer tracer = OtelTurnTracer.forExporter(config.tracing(), InMemorySpanExporter.create());
        Daemon daemon = Daemon.start(config, shard, clock, tracer, fatal::add);
        try {
            URI base = URI.create("http://127.0.0.1:" + daemon.port());
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> get(base, "/health/ready").statusCode() == 200);
            MetricsText m = MetricsText.parse(get(base, "/metrics").body());
            assertNotNull(m);
            return m;
        } finally {
            daemon.close();
            tracer.close();
        }
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String yaml(LabSimulator sim, Path state) {
        List<String> lines = new ArrayList<>(List.of("server:", "  port: 0", "  host: 127.0.0.1",
                "kore:", "  base-url: " + sim.baseUrl(), "  timeout: 5s",
                "poll:", "  interval: 1h", "  backfill: " + BACKFILL.toHours() + "h",
                "state:", "  dir: " + state, "bots:"));
        for (SimBot b : sim.bots()) {
            lines.addAll(List.of("  - name: " + b.name(), "    id: " + b.botId(), "    client-id: " + b.clientId(),
                    "    client-secret: \"" + b.clientSecret() + "\"", "    channels: " + b.channels()));
            if (b.accountId() != null) {
                lines.add("    account-id: " + b.accountId());
            }
        }
        return String.join("\n", lines) + "\n";
    }
}
