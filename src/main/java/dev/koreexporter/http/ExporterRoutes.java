package dev.koreexporter.http;

import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.poll.BotStatus;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The exporter's HTTP routes (README, "Endpoints"): {@code /metrics}, {@code /health/*} and the status page,
 * behind basic auth when users are configured. A function of what they read, so tests route requests to it
 * without starting pollers (Helidon's {@code @RoutingTest} and {@code @ServerTest}).
 */
public final class ExporterRoutes {
    private ExporterRoutes() {
    }

    /**
     * @param metrics        the kore_* series ({@code /metrics}) and each bot's figures (the status page)
     * @param registry       the JVM and process metrics
     * @param basicAuthUsers user name to bcrypt hash; empty for no authentication
     * @param bots           each bot's status, read per request
     */
    public static void routing(HttpRouting.Builder routing, KoreMetrics metrics, PrometheusRegistry registry,
                               Supplier<List<BotStatus>> bots, Map<String, String> basicAuthUsers, String version,
                               Clock clock) {
        routing(routing, metrics, registry, bots, basicAuthUsers, version, clock, List::of, e -> {
        });
    }

    /**
     * @param stuck bots whose poller has not finished a cycle for too long: {@code /health/live} answers 503
     * @param fatal called with an {@link Error} thrown by a handler (the daemon exits, README "Reliability and
     *              security"); the request gets a 500
     */
    public static void routing(HttpRouting.Builder routing, KoreMetrics metrics, PrometheusRegistry registry,
                               Supplier<List<BotStatus>> bots, Map<String, String> basicAuthUsers, String version,
                               Clock clock, Supplier<List<String>> stuck, Consumer<Error> fatal) {
        // Helidon turns what a handler throws into a 500 by itself: an Error must still end the process.
        routing.error(Error.class, (req, res, e) -> {
            fatal.accept(e);
            res.status(Status.INTERNAL_SERVER_ERROR_500).send();
        });
        if (!basicAuthUsers.isEmpty()) {
            BasicAuthFilter auth = new BasicAuthFilter(basicAuthUsers, clock);
            routing.addFilter(auth);
            metrics.registerAuthFailures(auth::failures);
        }
        routing.register("/metrics", new MetricsService(metrics.store(), registry))
                .register("/health", new HealthService(bots, stuck))
                .register("/", new StatusPage(version, bots, metrics, clock));
    }
}
