package dev.koreexporter.http;

import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.poll.BotStatus;
import io.helidon.webserver.http.HttpRouting;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;
import java.util.List;
import java.util.Map;
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
     * @param basicAuthUsers user name to bcrypt hash; empty for no authentication
     * @param bots           each bot's status, read per request
     */
    public static void routing(HttpRouting.Builder routing, PrometheusRegistry registry,
                               Supplier<List<BotStatus>> bots, Map<String, String> basicAuthUsers, String version,
                               Clock clock) {
        if (!basicAuthUsers.isEmpty()) {
            BasicAuthFilter auth = new BasicAuthFilter(basicAuthUsers, clock);
            routing.addFilter(auth);
            KoreMeter meter = KoreMeter.HTTP_AUTH_FAILURES;
            CounterWithCallback.builder().name(meter.metricName()).help(meter.help())
                    .callback(cb -> cb.call(auth.failures()))
                    .register(registry);
        }
        routing.register("/metrics", new MetricsService(registry))
                .register("/health", new HealthService(bots))
                .register("/", new StatusPage(version, bots, registry, clock));
    }
}
