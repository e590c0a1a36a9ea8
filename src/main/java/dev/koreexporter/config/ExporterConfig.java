package dev.koreexporter.config;

import dev.koreexporter.metrics.catalogue.KoreMeter;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The whole, validated, immutable configuration (README, "Configuration"). Build it with {@link ConfigLoader}. */
public record ExporterConfig(Server server,
                             Kore kore,
                             Poll poll,
                             State state,
                             Metrics metrics,
                             Tracing tracing,
                             List<Bot> bots,
                             List<Slo> slos,
                             Filters filters) {
    public ExporterConfig {
        bots = List.copyOf(bots);
        slos = List.copyOf(slos);
        filters = filters == null ? Filters.DEFAULT : filters;
    }

    /** A config with the default filters ({@link Filters#DEFAULT}). */
    public ExporterConfig(Server server, Kore kore, Poll poll, State state, Metrics metrics, Tracing tracing,
                          List<Bot> bots, List<Slo> slos) {
        this(server, kore, poll, state, metrics, tracing, bots, slos, Filters.DEFAULT);
    }

    /** A config with the default SLOs ({@link Slo#DEFAULTS}). */
    public ExporterConfig(Server server, Kore kore, Poll poll, State state, Metrics metrics, Tracing tracing,
                          List<Bot> bots) {
        this(server, kore, poll, state, metrics, tracing, bots, Slo.DEFAULTS);
    }

    /**
     * The exporter's own HTTP endpoint. {@code tls} and {@code basicAuth} are optional (null when off).
     */
    public record Server(int port, String host, Tls tls, Map<String, String> basicAuthUsers) {
        public Server {
            basicAuthUsers = basicAuthUsers == null ? Map.of() : Map.copyOf(basicAuthUsers);
        }

        /** Names the basic-auth users but not their password hashes. */
        @Override
        public String toString() {
            return "Server[port=" + port + ", host=" + host + ", tls=" + tls
                    + ", basicAuthUsers=" + new TreeSet<>(basicAuthUsers.keySet()) + "]";
        }
    }

    /** Key and certificate (PEM files) for serving /metrics over TLS. */
    public record Tls(Path certFile, Path keyFile) {
    }

    /**
     * {@code caBundle} is null for the JVM's default trust store. {@code maxResponseSize}: the largest
     * response body read, in bytes after un-gzipping (README "Configuration", {@code kore.max-response-size}).
     */
    public record Kore(URI baseUrl, Duration timeout, RateLimit rateLimit, Path caBundle, MessagesApi messagesApi,
                       long maxResponseSize) {
        public static final long DEFAULT_MAX_RESPONSE_SIZE = 32L << 20;

        public Kore {
            messagesApi = messagesApi == null ? MessagesApi.AUTO : messagesApi;
        }

        /** With the default {@code messages-api} ({@link MessagesApi#AUTO}) and {@link #DEFAULT_MAX_RESPONSE_SIZE}. */
        public Kore(URI baseUrl, Duration timeout, RateLimit rateLimit, Path caBundle) {
            this(baseUrl, timeout, rateLimit, caBundle, MessagesApi.AUTO, DEFAULT_MAX_RESPONSE_SIZE);
        }
    }

    public record RateLimit(int perMinute, int perHour) {
    }

    /** {@code sweepInterval}: how often a busy stream re-reads its whole lookback (README, "How it reads Kore.ai"). */
    public record Poll(Duration interval, Duration lookback, Duration backfill, Duration sweepInterval) {
        /** With the default sweep interval, {@code lookback / 8}. */
        public Poll(Duration interval, Duration lookback, Duration backfill) {
            this(interval, lookback, backfill, defaultSweepInterval(lookback));
        }

        public static Duration defaultSweepInterval(Duration lookback) {
            return lookback.dividedBy(8);
        }
    }

    public record State(Path dir) {
    }

    /**
     * {@code buckets}: bucket upper bounds by histogram metric name, overriding the defaults;
     * {@code maxLabelValues}: distinct values each label of each bot keeps before folding into {@code other}.
     */
    public record Metrics(Duration containmentWindow, Map<String, List<Double>> buckets, int maxLabelValues) {
        public Metrics {
            buckets = Map.copyOf(buckets);
        }

        /** With the default {@code max-label-values} ({@link KoreMeter#LABEL_VALUE_LIMIT}). */
        public Metrics(Duration containmentWindow, Map<String, List<Double>> buckets) {
            this(containmentWindow, buckets, KoreMeter.LABEL_VALUE_LIMIT);
        }
    }

    public record Tracing(boolean includeText) {
    }

    /** Which valid records are left out of the kore_* metrics (README, "Configuration", {@code filters}). */
    public record Filters(boolean includeDeveloper) {
        /** Bot Builder test traffic left out, as Kore.ai's own analytics leave it out. */
        public static final Filters DEFAULT = new Filters(false);
    }

    /** {@code accountId} is null when the Agent AI conversations API is not used. */
    public record Bot(String name, String id, String clientId, Secret clientSecret, String accountId,
                      List<String> channels) {
        public Bot {
            channels = List.copyOf(channels);
        }
    }
}
