package dev.koreexporter.config;

import dev.koreexporter.metrics.catalogue.KoreMeter;

import java.util.List;
import java.util.stream.Stream;

/** The names the config file knows: scalar key paths ({@code []} marks a list index) and histogram names. */
final class ConfigKeys {
    /** Histograms of the metric catalogue, whose buckets {@code metrics.buckets} may set. */
    static final List<String> HISTOGRAMS = KoreMeter.histograms().stream().map(KoreMeter::metricName).toList();

    /** Histograms observing a ratio (0..1): bucket bounds above 1 are pointless there. */
    static final List<String> RATIO_HISTOGRAMS = KoreMeter.histograms().stream()
            .filter(m -> m.unit() == KoreMeter.Unit.RATIO).map(KoreMeter::metricName).toList();

    /**
     * Every scalar key an environment variable may set. The map entries of
     * {@code server.basic-auth.users} are missing on purpose: their keys are user names, which an
     * upper-case variable name cannot spell back.
     */
    static final List<String> SCALARS = Stream.concat(Stream.of(
                    "server.port", "server.host", "server.tls.cert-file", "server.tls.key-file",
                    "kore.base-url", "kore.timeout", "kore.rate-limit.per-minute", "kore.rate-limit.per-hour",
                    "kore.ca-bundle", "kore.messages-api", "kore.max-response-size",
                    "poll.interval", "poll.lookback", "poll.backfill", "poll.sweep-interval",
                    "state.dir",
                    "metrics.containment-window", "metrics.max-label-values",
                    "tracing.include-text",
                    "filters.include-developer",
                    "bots[].name", "bots[].id", "bots[].client-id", "bots[].client-secret",
                    "bots[].client-secret-file", "bots[].account-id", "bots[].channels[]",
                    "slo[].name", "slo[].metric", "slo[].threshold", "slo[].objective", "slo[].good[]"),
            HISTOGRAMS.stream().map(h -> "metrics.buckets." + h + "[]")).toList();

    private ConfigKeys() {
    }
}
