package dev.koreexporter.http;

import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.poll.BotStatus;
import dev.koreexporter.testing.MetricsText;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoints of a replica sharing state in PostgreSQL (README "Running several replicas"): a bot's series only while
 * the replica holds its lease, asked at each scrape; {@code kore_exporter_owned_bots} and
 * {@code kore_exporter_state_store_up}; {@code /health/ready} 503 while the store cannot be reached.
 */
@RoutingTest
class SharedStateRoutesTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();
    private static final AtomicReference<String> PROBLEM = new AtomicReference<>();
    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    private final DirectClient client;

    SharedStateRoutesTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        KoreMetrics metrics = new KoreMetrics(REGISTRY, Map.of(), "9.9.9", clock);
        metrics.leased(HELD::contains, HELD::size, () -> PROBLEM.get() == null);
        for (String bot : List.of("billing", "support")) {
            metrics.cycleFinished(bot, true);
            metrics.store().add(bot, KoreMeter.MESSAGES, 3, "korevg", "incoming");
            metrics.publish(bot);
        }
        List<BotStatus> statuses = List.of(new BotStatus("billing", 1, true, NOW, NOW, null, true),
                new BotStatus("support", 1, false, null, null, null, true, BotStatus.Mode.ELSEWHERE));
        ExporterRoutes.routing(routing, metrics, REGISTRY, () -> statuses, Map.of(), "9.9.9", clock, List::of,
                PROBLEM::get, e -> {
                });
    }

    @Test
    void aBotsSeriesAreExportedOnlyWhileItsLeaseIsHeldAndReadyNeedsTheStore() {
        HELD.clear();
        HELD.add("billing");
        PROBLEM.set(null);
        MetricsText m = MetricsText.parse(client.get("/metrics").request(String.class).entity());
        assertEquals(3.0, m.value("kore_messages_total", "bot", "billing", "channel", "korevg", "direction", "incoming"));
        assertFalse(m.text().contains("bot=\"support\""), "another replica's bot: none of its series");
        assertEquals(1.0, m.value("kore_exporter_owned_bots"));
        assertEquals(1.0, m.value("kore_exporter_state_store_up"));
        assertFalse(m.text().contains("kore_exporter_standby"), "the file store's gauge");
        assertFalse(MetricsText.of(REGISTRY).text().contains("bot=\"support\""), "nor through client_java readers");
        var ready = client.get("/health/ready").request(String.class);
        assertEquals(Status.OK_200, ready.status());
        assertTrue(ready.entity().contains("\"polling\":\"elsewhere\""), ready.entity());

        // The lease ran out here (judged at the scrape), the store cannot be reached.
        HELD.clear();
        PROBLEM.set("the state store cannot be reached (Connection refused)");
        m = MetricsText.parse(client.get("/metrics").request(String.class).entity());
        assertFalse(m.text().contains("bot=\""), "no bot without its lease: " + m.text());
        assertEquals(0.0, m.value("kore_exporter_owned_bots"));
        assertEquals(0.0, m.value("kore_exporter_state_store_up"));
        ready = client.get("/health/ready").request(String.class);
        assertEquals(Status.SERVICE_UNAVAILABLE_503, ready.status());
        assertTrue(ready.entity().contains("\"stateStore\":{\"up\":false,\"error\":\"the state store cannot be reached"
                + " (Connection refused)\"}"), ready.entity());
    }
}
