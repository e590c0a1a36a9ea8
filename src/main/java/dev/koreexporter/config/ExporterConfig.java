package dev.koreexporter.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.koreexporter.config.ConfigKeys.ACCOUNT_ID;
import static dev.koreexporter.config.ConfigKeys.AGENT_AI_BASE_URL;
import static dev.koreexporter.config.ConfigKeys.BACKFILL;
import static dev.koreexporter.config.ConfigKeys.BASE_URL;
import static dev.koreexporter.config.ConfigKeys.BASIC_AUTH_USERS;
import static dev.koreexporter.config.ConfigKeys.BOTS;
import static dev.koreexporter.config.ConfigKeys.BOT_ID;
import static dev.koreexporter.config.ConfigKeys.BOT_NAME;
import static dev.koreexporter.config.ConfigKeys.BUCKETS;
import static dev.koreexporter.config.ConfigKeys.CA_BUNDLE;
import static dev.koreexporter.config.ConfigKeys.CHANNELS;
import static dev.koreexporter.config.ConfigKeys.CLIENT_ID;
import static dev.koreexporter.config.ConfigKeys.CLIENT_SECRET;
import static dev.koreexporter.config.ConfigKeys.CONTAINMENT_WINDOW;
import static dev.koreexporter.config.ConfigKeys.INCLUDE_DEVELOPER;
import static dev.koreexporter.config.ConfigKeys.INCLUDE_TEXT;
import static dev.koreexporter.config.ConfigKeys.INTERVAL;
import static dev.koreexporter.config.ConfigKeys.LEASE_DURATION;
import static dev.koreexporter.config.ConfigKeys.LOOKBACK;
import static dev.koreexporter.config.ConfigKeys.MAX_CONNECTIONS;
import static dev.koreexporter.config.ConfigKeys.MAX_LABEL_VALUES;
import static dev.koreexporter.config.ConfigKeys.MAX_RESPONSE;
import static dev.koreexporter.config.ConfigKeys.MAX_SERIES;
import static dev.koreexporter.config.ConfigKeys.MESSAGES_API;
import static dev.koreexporter.config.ConfigKeys.PER_HOUR;
import static dev.koreexporter.config.ConfigKeys.PER_MINUTE;
import static dev.koreexporter.config.ConfigKeys.POSTGRESQL_PASSWORD;
import static dev.koreexporter.config.ConfigKeys.POSTGRESQL_URL;
import static dev.koreexporter.config.ConfigKeys.POSTGRESQL_USER;
import static dev.koreexporter.config.ConfigKeys.SERVER_HOST;
import static dev.koreexporter.config.ConfigKeys.SERVER_PORT;
import static dev.koreexporter.config.ConfigKeys.SESSION_HORIZON;
import static dev.koreexporter.config.ConfigKeys.SLOS;
import static dev.koreexporter.config.ConfigKeys.STATE_DIR;
import static dev.koreexporter.config.ConfigKeys.STATE_STORE;
import static dev.koreexporter.config.ConfigKeys.SWEEP_INTERVAL;
import static dev.koreexporter.config.ConfigKeys.TIMEOUT;
import static dev.koreexporter.config.ConfigKeys.TLS_CERT_FILE;
import static dev.koreexporter.config.ConfigKeys.TLS_KEY_FILE;

/**
 * The whole, validated, immutable configuration (README, "Configuration"). {@link ConfigLoader} builds it from the
 * values the config table ({@link ConfigKeys}) decoded; each record's {@code of} names the keys it holds.
 */
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
    }

    static ExporterConfig of(Values v) {
        return new ExporterConfig(Server.of(v), Kore.of(v), Poll.of(v), State.of(v), Metrics.of(v),
                new Tracing(v.get(INCLUDE_TEXT)), v.get(BOTS).stream().map(Bot::of).toList(), v.get(SLOS),
                new Filters(v.get(INCLUDE_DEVELOPER)));
    }

    /**
     * The exporter's own HTTP endpoint. {@code tls} is null when off; {@code basicAuthUsers} (user name to bcrypt
     * hash) is empty when off.
     */
    public record Server(int port, String host, Tls tls, Map<String, String> basicAuthUsers, int maxConnections) {
        public Server {
            basicAuthUsers = basicAuthUsers == null ? Map.of() : Map.copyOf(basicAuthUsers);
        }

        static Server of(Values v) {
            Tls tls = v.get(TLS_CERT_FILE) == null ? null : new Tls(v.get(TLS_CERT_FILE), v.get(TLS_KEY_FILE));
            return new Server(v.get(SERVER_PORT), v.get(SERVER_HOST), tls, v.get(BASIC_AUTH_USERS),
                    v.get(MAX_CONNECTIONS));
        }

        /** Names the basic-auth users but not their password hashes. */
        @Override
        public String toString() {
            return "Server[port=" + port + ", host=" + host + ", tls=" + tls
                    + ", basicAuthUsers=" + new TreeSet<>(basicAuthUsers.keySet()) + ", maxConnections="
                    + maxConnections + "]";
        }
    }

    /** Key and certificate (PEM files) for serving /metrics over TLS. */
    public record Tls(Path certFile, Path keyFile) {
    }

    /**
     * {@code caBundle} is null for the JVM's default trust store. {@code maxResponseSize}: the largest response body
     * read, in bytes after un-gzipping. {@code agentAiBaseUrl}: the host of the Agent AI conversations API.
     */
    public record Kore(URI baseUrl, Duration timeout, RateLimit rateLimit, Path caBundle, MessagesApi messagesApi,
                       long maxResponseSize, URI agentAiBaseUrl) {
        static Kore of(Values v) {
            return new Kore(v.get(BASE_URL), v.get(TIMEOUT), new RateLimit(v.get(PER_MINUTE), v.get(PER_HOUR)),
                    v.get(CA_BUNDLE), v.get(MESSAGES_API), v.get(MAX_RESPONSE), v.get(AGENT_AI_BASE_URL));
        }
    }

    public record RateLimit(int perMinute, int perHour) {
    }

    /**
     * {@code sweepInterval}: how often a busy stream re-reads its whole lookback (README, "How it reads Kore.ai");
     * {@code sessionHorizon}: how long after its start a session may close and still be counted.
     */
    public record Poll(Duration interval, Duration lookback, Duration backfill, Duration sweepInterval,
                       Duration sessionHorizon) {
        static Poll of(Values v) {
            return new Poll(v.get(INTERVAL), v.get(LOOKBACK), v.get(BACKFILL), v.get(SWEEP_INTERVAL),
                    v.get(SESSION_HORIZON));
        }
    }

    /** {@code postgresql} is null unless {@code store} is {@link StateStore#POSTGRESQL}. */
    public record State(Path dir, StateStore store, Postgresql postgresql, Duration leaseDuration) {
        static State of(Values v) {
            Postgresql db = v.get(STATE_STORE) != StateStore.POSTGRESQL ? null
                    : new Postgresql(v.get(POSTGRESQL_URL), v.get(POSTGRESQL_USER), v.get(POSTGRESQL_PASSWORD));
            return new State(v.get(STATE_DIR), v.get(STATE_STORE), db, v.get(LEASE_DURATION));
        }
    }

    /** The database replicas share state in: a {@code jdbc:postgresql://} URL without the password. */
    public record Postgresql(String url, String user, Secret password) {
    }

    /**
     * {@code buckets}: bucket upper bounds by histogram metric name, overriding the defaults;
     * {@code maxLabelValues}: distinct values each label of each bot keeps before folding into {@code other};
     * {@code maxSeriesPerMetric}: series each bot keeps per metric before folding into its overflow series.
     */
    public record Metrics(Duration containmentWindow, Map<String, List<Double>> buckets, int maxLabelValues,
                          int maxSeriesPerMetric) {
        public Metrics {
            buckets = Map.copyOf(buckets);
        }

        static Metrics of(Values v) {
            return new Metrics(v.get(CONTAINMENT_WINDOW), v.get(BUCKETS), v.get(MAX_LABEL_VALUES), v.get(MAX_SERIES));
        }
    }

    public record Tracing(boolean includeText) {
    }

    /** Which valid records are left out of the kore_* metrics (README, "Configuration", {@code filters}). */
    public record Filters(boolean includeDeveloper) {
    }

    /** {@code accountId} is null when the Agent AI conversations API is not used. */
    public record Bot(String name, String id, String clientId, Secret clientSecret, String accountId,
                      List<String> channels) {
        public Bot {
            channels = List.copyOf(channels);
        }

        static Bot of(Values v) {
            return new Bot(v.get(BOT_NAME), v.get(BOT_ID), v.get(CLIENT_ID), v.get(CLIENT_SECRET), v.get(ACCOUNT_ID),
                    v.get(CHANNELS));
        }
    }
}
