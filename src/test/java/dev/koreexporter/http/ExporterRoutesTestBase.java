package dev.koreexporter.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.poll.BotStatus;
import dev.koreexporter.testing.MetricsText;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter's routes, without pollers: the same tests run with and without sockets (Helidon's
 * {@code @RoutingTest} and {@code @ServerTest}), on the one routing {@link #routing} sets up.
 */
abstract class ExporterRoutesTestBase {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final String USER = "prometheus";
    private static final String PASSWORD = "scrape-pw";
    private static final BotStatus NOT_YET = new BotStatus("billing", 0, false, null, null, null, true);
    private static final BotStatus DONE = new BotStatus("billing", 1, true, NOW, NOW, null, true);
    private static final BotStatus CHECKPOINT_FAILING = new BotStatus("billing", 3, true, NOW, NOW, null, false);
    /** What the health endpoint reads; tests set it, each starts not ready. */
    private static final AtomicReference<List<BotStatus>> BOTS = new AtomicReference<>(List.of(NOT_YET));
    /** Bots whose poller is stuck, as the scheduler would say; each test starts with none. */
    private static final AtomicReference<List<String>> STUCK = new AtomicReference<>(List.of());
    /** Errors handed to the exit hook; a test sets {@link #THROW_ERROR} to make a scrape throw one. */
    private static final List<Error> FATAL = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean THROW_ERROR = new AtomicBoolean();

    private final Http1Client client;

    ExporterRoutesTestBase(Http1Client client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        PrometheusRegistry registry = new PrometheusRegistry();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "9.9.9", clock);
        registry.register(() -> {
            if (THROW_ERROR.get()) {
                throw new StackOverflowError("test: a scrape that overflows the stack");
            }
            return new GaugeSnapshot(
                    new MetricMetadata("test_flag"), List.of());
        });
        String hash = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
        ExporterRoutes.routing(routing, metrics, registry, BOTS::get, Map.of(USER, hash), "9.9.9", clock, STUCK::get,
                FATAL::add);
    }

    @AfterEach
    void notReadyAgain() {
        BOTS.set(List.of(NOT_YET));
        STUCK.set(List.of());
        THROW_ERROR.set(false);
        FATAL.clear();
    }

    @Test
    void liveFailsWhileAPollerIsStuck() {
        assertEquals(Status.OK_200, get("/health/live", null, null).status());
        STUCK.set(List.of("billing"));
        var stuck = get("/health/live", null, null);
        assertEquals(Status.SERVICE_UNAVAILABLE_503, stuck.status());
        assertTrue(stuck.entity().contains("\"stuckPollers\":[\"billing\"]"), stuck.entity());
        STUCK.set(List.of());
        assertEquals(Status.OK_200, get("/health/live", null, null).status());
    }

    @Test
    void botsNotPolledHereAreReadyAfterTheirFirstAttemptAndSayWhy() {
        BotStatus standbyBefore = new BotStatus("support", 0, false, null, null, null, true, BotStatus.Mode.STANDBY);
        BotStatus standby = new BotStatus("support", 1, false, null, null, "standby: another process polls it", true,
                BotStatus.Mode.STANDBY);
        BotStatus stopped = new BotStatus("sales", 2, false, null, null,
                "checkpoint /s/sales.checkpoint.json is unreadable (JSON null); delete it to start this bot afresh",
                false, BotStatus.Mode.STOPPED);
        BOTS.set(List.of(DONE, standbyBefore, stopped));
        assertEquals(Status.SERVICE_UNAVAILABLE_503, get("/health/ready", null, null).status(),
                "not before the standby bot tried its lock once");
        BOTS.set(List.of(DONE, standby, stopped));
        var ready = get("/health/ready", null, null);
        assertEquals(Status.OK_200, ready.status(), ready.entity());
        assertTrue(ready.entity().contains("\"polling\":\"standby\""), ready.entity());
        assertTrue(ready.entity().contains("\"polling\":\"stopped\"") && ready.entity().contains(
                "/s/sales.checkpoint.json is unreadable (JSON null); delete it to start this bot afresh"), ready.entity());
        assertTrue(ready.entity().contains("\"polling\":\"polled\""), ready.entity());
    }

    @Test
    void anErrorInAHandlerGoesToTheExitHook() {
        THROW_ERROR.set(true);
        try {
            var r = get("/metrics", basic(USER, PASSWORD), null);
            assertEquals(Status.INTERNAL_SERVER_ERROR_500, r.status());
        } catch (RuntimeException e) {
            // The connection may be dropped instead of answered: what counts is the exit hook.
        }
        assertEquals(1, FATAL.size(), FATAL.toString());
        assertTrue(FATAL.getFirst() instanceof StackOverflowError);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private ClientResponseTyped<String> get(String path, String authorization, String accept) {
        var request = client.get(path);
        if (authorization != null) {
            request.header(HeaderNames.AUTHORIZATION, authorization);
        }
        if (accept != null) {
            request.header(HeaderNames.ACCEPT, accept);
        }
        return request.request(String.class);
    }

    @Test
    void readyOnlyOnceEveryBotFinishedACycleAndCanCheckpoint() {
        var notReady = get("/health/ready", null, null);
        assertEquals(Status.SERVICE_UNAVAILABLE_503, notReady.status());
        assertTrue(notReady.entity().contains("\"status\":\"DOWN\""), notReady.entity());

        BOTS.set(List.of(DONE));
        var ready = get("/health/ready", null, null);
        assertEquals(Status.OK_200, ready.status());
        assertTrue(ready.entity().contains("\"status\":\"UP\""), ready.entity());
        assertEquals("application/json", ready.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow());

        BOTS.set(List.of(DONE, CHECKPOINT_FAILING));
        assertEquals(Status.SERVICE_UNAVAILABLE_503, get("/health/ready", null, null).status());
        assertEquals(Status.OK_200, get("/health/live", null, null).status(), "live while serving, ready or not");
    }

    @Test
    void everythingButHealthNeedsTheCredentials() {
        var anonymous = get("/metrics", null, null);
        assertEquals(Status.UNAUTHORIZED_401, anonymous.status());
        assertTrue(anonymous.headers().first(HeaderNames.WWW_AUTHENTICATE).orElseThrow().startsWith("Basic realm="));
        assertEquals(Status.UNAUTHORIZED_401, get("/metrics", basic(USER, "wrong"), null).status());
        assertEquals(Status.UNAUTHORIZED_401, get("/", basic("nobody", PASSWORD), null).status());
        assertEquals(Status.OK_200, get("/", basic(USER, PASSWORD), null).status());
        assertEquals(Status.OK_200, get("/metrics", basic(USER, PASSWORD), null).status());
    }

    @Test
    void refusedLoginsAreCountedInTheAuthFailuresCounter() {
        double before = authFailures();
        assertEquals(Status.UNAUTHORIZED_401, get("/metrics", basic(USER, "wrong"), null).status());
        assertEquals(Status.UNAUTHORIZED_401, get("/", basic("nobody", PASSWORD), null).status());
        assertEquals(Status.UNAUTHORIZED_401, get("/", null, null).status());
        assertEquals(before + 2, authFailures(), "two refused logins; no credentials is no login, the scrapes log in fine");
        assertEquals(BasicAuthFilter.FAILURES_METRIC, KoreMeter.HTTP_AUTH_FAILURES.metricName());
    }

    private double authFailures() {
        var scrape = get("/metrics", basic(USER, PASSWORD), null);
        assertEquals(Status.OK_200, scrape.status());
        return MetricsText.parse(scrape.entity()).value(KoreMeter.HTTP_AUTH_FAILURES.metricName());
    }

    @Test
    void prometheusTextUnlessOpenMetricsIsAskedFor() {
        var text = get("/metrics", basic(USER, PASSWORD), null);
        assertEquals(Status.OK_200, text.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", text.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow());
        assertTrue(text.entity().contains("kore_exporter_build_info{version=\"9.9.9\"} 1"), text.entity());
        assertFalse(text.entity().contains("# EOF"), "no OpenMetrics terminator in the text format");

        var open = get("/metrics", basic(USER, PASSWORD), "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertEquals(Status.OK_200, open.status());
        String openType = open.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow();
        assertTrue(openType.startsWith("application/openmetrics-text; version=1.0.0"), openType);
        assertTrue(open.entity().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(open.entity().contains("kore_exporter_build_info{version=\"9.9.9\"} 1"), open.entity());
    }
}
