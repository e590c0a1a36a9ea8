package dev.koreexporter.config;

import dev.koreexporter.metrics.catalogue.KoreMeter;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.koreexporter.config.Compound.HISTOGRAMS;
import static dev.koreexporter.config.Compound.RATIO_HISTOGRAMS;
import static dev.koreexporter.config.ConfigKey.key;
import static dev.koreexporter.config.Kind.bool;
import static dev.koreexporter.config.Kind.duration;
import static dev.koreexporter.config.Kind.integer;

/**
 * The config table: every key the file knows, declared once, in the order of README "Configuration". The
 * decoder reads the file by it (mappings and their known keys follow from the paths), environment overrides
 * match its paths, {@link ExporterConfig} takes its values from it, and a test checks README's table against
 * it. Adding a key is a row here and a component of {@link ExporterConfig}.
 */
final class ConfigKeys {
    /** Rows in declaration order; filled by {@link #add} as the constants below are initialised. */
    private static final List<ConfigKey<?>> ROWS = new ArrayList<>();

    private static final Duration ONE_DAY = Duration.ofDays(1);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    /** Below this a single ordinary page could not be read; above it one body could not fit a Java array. */
    private static final long MIN_RESPONSE_SIZE = 64L << 10;
    private static final long MAX_RESPONSE_SIZE = 1L << 30;

    static final ConfigKey<Integer> SERVER_PORT = add(key("server.port", integer(0, 65535)).byDefault("9469")
            .doc("HTTP port for `/metrics`, `/health/*` and `/`; 0..65535 (0 = any free port, for tests)"));
    static final ConfigKey<String> SERVER_HOST = add(key("server.host", Kind.string()).byDefault("0.0.0.0")
            .doc("address to listen on"));
    static final ConfigKey<Integer> MAX_CONNECTIONS = add(key("server.max-connections",
            integer(1, Integer.MAX_VALUE)).byDefault("200")
            .doc("most connections the HTTP server keeps open at once (it also times out slow and idle clients);"
                    + " at least 1"));
    static final ConfigKey<Path> TLS_CERT_FILE = add(key("server.tls.cert-file", Kind.file(false)).required()
            .shownAs("none (plain HTTP)")
            .doc("PEM certificate for serving over HTTPS; set together with `key-file`; must be readable"));
    static final ConfigKey<Path> TLS_KEY_FILE = add(key("server.tls.key-file", Kind.file(true)).required()
            .shownAs("none")
            .doc("PEM private key for `cert-file`; must be readable (warning if group/others can read it)"));
    static final ConfigKey<Map<String, String>> BASIC_AUTH_USERS = add(key("server.basic-auth.users",
            Compound.bcryptUsers()).required().shownAs("none (no auth)")
            .doc("map of user name → bcrypt hash (`$2a$`, `$2b$` or `$2y$`, e.g. the part after `:` of `htpasswd -nbB"
                    + " user pw`); at least one user when the section is present"));

    static final ConfigKey<URI> BASE_URL = add(key("kore.base-url", Kind.httpUrl()).byDefault("https://platform.kore.ai")
            .doc("Kore.ai host; absolute `http`/`https` URL (a trailing `/` is dropped)"));
    static final ConfigKey<URI> AGENT_AI_BASE_URL = add(key("kore.agent-ai-base-url", Kind.httpUrl())
            .byDefault(v -> v.get(BASE_URL), "`kore.base-url`")
            .doc("host of the Agent AI conversations API, which Kore.ai may serve from another host than the XO"
                    + " Platform APIs; same rules as `base-url`"));
    static final ConfigKey<Duration> TIMEOUT = add(key("kore.timeout", duration(false, null, Duration.ofMinutes(10)))
            .byDefault("30s")
            .doc("timeout of one API request, the whole body included (a server trickling its answer is cut off);"
                    + " positive, at most `10m`"));
    /**
     * Two thirds of Kore.ai's 60/min and 1,800/h per bot, which the bot's other design-time APIs share: the exporter
     * leaves a third to them (README "How it reads Kore.ai", the budget).
     */
    static final ConfigKey<Integer> PER_MINUTE = add(key("kore.rate-limit.per-minute", integer(1, Integer.MAX_VALUE))
            .byDefault("40").doc("requests per bot the exporter sends in any sliding 60 s, its share of Kore.ai's 60"
                    + " per bot, which the bot's other API users share (see [the budget](#how-it-reads-koreai)); at"
                    + " least 1"));
    static final ConfigKey<Integer> PER_HOUR = add(key("kore.rate-limit.per-hour", integer(1, Integer.MAX_VALUE))
            .byDefault("1200")
            .rule(List.of(PER_MINUTE), (perHour, v) -> perHour < v.get(PER_MINUTE)
                    ? "must be at least per-minute (" + v.get(PER_MINUTE) + "), got " + perHour : null)
            .doc("requests per bot the exporter sends in any sliding hour, its share of Kore.ai's 1,800 per bot; at"
                    + " least 1 and at least `per-minute`"));
    static final ConfigKey<Path> CA_BUNDLE = add(key("kore.ca-bundle", Kind.file(false)).shownAs("JVM trust store")
            .doc("PEM file of CA certificates to trust for `base-url` (private CA, proxy); must be readable"));
    static final ConfigKey<MessagesApi> MESSAGES_API = add(key("kore.messages-api",
            Kind.choice(MessagesApi.class, MessagesApi::wireName)).byDefault("auto")
            .doc("`auto`, `v2` or `v1`: which conversation-history API reads messages. `auto` reads `getMessagesV2`"
                    + " and, for a bot whose `getMessagesV2` answers 404 (older tenants), `getMessages` (v1, 100 a page);"
                    + " `v2`/`v1` force one. `doctor` checks the one this selects"));
    static final ConfigKey<Long> MAX_RESPONSE = add(key("kore.max-response-size",
            Kind.size(MIN_RESPONSE_SIZE, MAX_RESPONSE_SIZE)).byDefault("32MiB")
            .doc("largest response body read, after un-gzipping (a bigger one fails that request, `code=\"error\"`,"
                    + " and the page is asked again with a smaller `limit`; see [docs/reliability.md]"
                    + "(docs/reliability.md)); a number of bytes or `512KiB`, `32MiB`, `1GiB`; between `64KiB` and `1GiB`"));

    static final ConfigKey<Duration> INTERVAL = add(key("poll.interval", duration(false, null, null)).byDefault("30s")
            .doc("time between poll cycles; positive"));
    /** Re-reading more than a day every cycle only burns the rate limit; it also keeps a window under 7 days. */
    static final ConfigKey<Duration> LOOKBACK = add(key("poll.lookback", duration(false, null, ONE_DAY))
            .byDefault("20m")
            .doc("trailing window re-read every cycle (Kore.ai data lands up to ~15 min late; a busy stream, more than"
                    + " three pages in the lookback, re-reads it every `poll.sweep-interval`); positive, at most `1d`"));
    static final ConfigKey<Duration> BACKFILL = add(key("poll.backfill", duration(true, null, null)).byDefault("1h")
            .doc("how far back the first cycle reads when there is no checkpoint; `0s` or more (`0s`: start now)"));
    /** At most the lookback: a sweep re-reads one lookback, so sweeping less often would leave records unread. */
    static final ConfigKey<Duration> SWEEP_INTERVAL = add(key("poll.sweep-interval", duration(false, null, null))
            .byDefault(v -> v.get(LOOKBACK).dividedBy(8), "`poll.lookback / 8` (`2m30s`)")
            .rule(List.of(LOOKBACK), (d, v) -> d.compareTo(v.get(LOOKBACK)) > 0 ? "must be at most poll.lookback ("
                    + Durations.format(v.get(LOOKBACK)) + "), got " + Durations.format(d) : null)
            .doc("how often a busy stream re-reads its whole lookback (sessions: their `poll.session-horizon`):"
                    + " records and session closures only those reads see are counted within this + one cycle. Shorter:"
                    + " fresher late records, more requests on busy bots; longer: fewer requests. Positive, at most"
                    + " `poll.lookback`"));
    /** Without the key a lookback longer than an hour (valid before the key existed) still makes a valid config. */
    static final ConfigKey<Duration> SESSION_HORIZON = add(key("poll.session-horizon", duration(false, null, ONE_DAY))
            .byDefault(v -> max(Duration.ofHours(1), v.get(LOOKBACK)), "`1h` (`poll.lookback` when longer)")
            .rule(List.of(LOOKBACK), (d, v) -> d.compareTo(v.get(LOOKBACK)) < 0 ? "must be at least poll.lookback ("
                    + Durations.format(v.get(LOOKBACK)) + "), got " + Durations.format(d) : null)
            .doc("how long after its start a session may be reported closed and still be counted (Kore.ai reports a"
                    + " voice session closed only at its inactivity timeout, often 25-45 min after its start): the"
                    + " sessions stream re-reads this far back by start time. A session reported closed later is not"
                    + " counted, or only up to one re-read later (see [sessions](#how-it-reads-koreai)). At least"
                    + " `poll.lookback`, at most `1d`"));

    static final ConfigKey<Path> STATE_DIR = add(key("state.dir", Kind.path()).byDefault("./state")
            .doc("directory for checkpoints (watermarks, recently seen ids, reads under way), lock files and the rate"
                    + " limiter's request log; must be writable and support file locks (checked at start: exit 2"
                    + " otherwise)"));
    static final ConfigKey<StateStore> STATE_STORE = add(key("state.store",
            Kind.choice(StateStore.class, StateStore::wireName)).byDefault("file")
            .doc("where checkpoints live: `file` (under `state.dir`) or `postgresql` (shared by any number of"
                    + " replicas, each bot polled by one of them at a time under a lease; needs `state.postgresql.*`)"));
    static final ConfigKey<String> POSTGRESQL_URL = add(key("state.postgresql.url",
            Kind.text(JdbcUrl::check, JdbcUrl::problem)).required().shownAs("required with `postgresql`")
            .doc("`jdbc:postgresql://host:port/db` URL of the database (the exporter creates its tables); only with"
                    + " `state.store: postgresql`, like every `state.postgresql.*` key"));
    static final ConfigKey<String> POSTGRESQL_USER = add(key("state.postgresql.user", Kind.string()).required()
            .shownAs("required with `postgresql`").doc("database user"));
    static final ConfigKey<Secret> POSTGRESQL_PASSWORD = add(key("state.postgresql.password", Compound.secret())
            .required().shownAs("—")
            .doc("the user's password, a secret like `client-secret`; exactly one of `password` and `password-file`"));
    static final ConfigKey<Void> POSTGRESQL_PASSWORD_FILE = add(key("state.postgresql.password-file",
            Kind.<Void>partOf(false)).shownAs("—")
            .doc("file holding the password (a trailing newline is ignored); must be readable"));
    static final ConfigKey<Duration> LEASE_DURATION = add(key("state.lease-duration",
            duration(false, Duration.ofSeconds(5), null)).byDefault("30s")
            .doc("with `postgresql`: how long a replica's lease on a bot lasts unless renewed; the bots of a replica"
                    + " that died are taken over within this plus one cycle; at least `5s`"));

    static final ConfigKey<Duration> CONTAINMENT_WINDOW = add(key("metrics.containment-window",
            duration(false, null, null)).byDefault("1h").doc("trailing window of `kore_containment_ratio`; positive"));
    static final ConfigKey<Map<String, List<Double>>> BUCKETS = add(key("metrics.buckets", Compound.buckets())
            .byDefault(v -> Map.of(), "built-in buckets")
            .doc("bucket upper bounds for one histogram: a non-empty, strictly increasing list of positive numbers"
                    + " (at most 1 for " + codes(RATIO_HISTOGRAMS, " and ") + "). `<histogram>` is one of "
                    + codes(HISTOGRAMS, ", ")));
    /** More distinct values than this per label and bot is no longer a bounded label set. */
    static final ConfigKey<Integer> MAX_LABEL_VALUES = add(key("metrics.max-label-values", integer(1, 10_000))
            .byDefault(String.valueOf(KoreMeter.LABEL_VALUE_LIMIT))
            .doc("distinct values each label (`channel`, `language`, `asr_provider`, `tts_provider`, `session_type`,"
                    + " `channel_type`, `experience`) keeps per bot, across all metrics, before new ones become `other`;"
                    + " between 1 and 10000"));
    static final ConfigKey<Integer> MAX_SERIES = add(key("metrics.max-series-per-metric", integer(1, 100_000))
            .byDefault("500")
            .doc("series each bot keeps per metric; observations for a further label combination go to one overflow"
                    + " series of the bot whose other labels are `other` (sums stay exact), counted in"
                    + " `kore_exporter_series_folded_total`; between 1 and 100000"));

    static final ConfigKey<Boolean> INCLUDE_TEXT = add(key("tracing.include-text", bool()).byDefault("false")
            .doc("add user and bot message text to spans (opt-in)"));
    static final ConfigKey<Boolean> INCLUDE_DEVELOPER = add(key("filters.include-developer", bool()).byDefault("false")
            .doc("count Bot Builder test traffic (sessions with `isDeveloper`, messages with `isD`) like any other"
                    + " record; by default it is left out, as in Kore.ai's own analytics, and counted in"
                    + " `kore_exporter_records_excluded_total`"));

    static final ConfigKey<List<Values>> BOTS = add(key("bots", Compound.records("at least one bot is required"))
            .required().byDefault(v -> List.of(), "required").doc("list of bots to poll, at least one"));
    static final ConfigKey<String> BOT_NAME = add(key("bots[].name", Kind.string()).required().unique("bot name")
            .rule(List.of(), (name, v) -> NAME.matcher(name).matches() ? null
                    : "must match " + NAME.pattern() + " (it is the bot label), got \"" + name + "\"")
            .doc("value of the `bot` label; `" + NAME.pattern() + "`, unique"));
    static final ConfigKey<String> BOT_ID = add(key("bots[].id", Kind.string()).required().unique("bot id")
            .doc("Bot ID / Stream ID (`st-...`), unique"));
    static final ConfigKey<String> CLIENT_ID = add(key("bots[].client-id", Kind.string()).required()
            .doc("client id of the bot's app (`cs-...`)"));
    static final ConfigKey<Secret> CLIENT_SECRET = add(key("bots[].client-secret", Compound.secret()).required()
            .shownAs("—").doc("client secret of the app; exactly one of `client-secret` and `client-secret-file`"));
    static final ConfigKey<Void> CLIENT_SECRET_FILE = add(key("bots[].client-secret-file", Kind.<Void>partOf(false))
            .shownAs("—").doc("file holding the client secret (a trailing newline is ignored); must be readable"));
    static final ConfigKey<String> ACCOUNT_ID = add(key("bots[].account-id", Kind.string())
            .doc("account id; when set, the Agent AI conversations API is read too"));
    /** Voice is what the exporter is for, and Kore.ai's voice gateway is the common voice channel. */
    static final ConfigKey<List<String>> CHANNELS = add(key("bots[].channels", Compound.distinctStrings("channel"))
            .byDefault(v -> List.of("korevg"), "`[korevg]`")
            .doc("non-empty list of distinct `channelType` values whose messages are read (e.g. `korevg`, `ivrVoice`,"
                    + " `twiliovoice`)"));

    static final ConfigKey<List<Slo>> SLOS = add(key("slo", Compound.slos(BUCKETS)).shownAs("the two default SLOs")
            .doc("list of service-level objectives for `kore-exporter rules` (see [Your own SLOs](#your-own-slos));"
                    + " at least one entry when present. The daemon and `--check-config` validate it too"));
    static final ConfigKey<Void> SLO_NAME = add(key("slo[].name", Kind.<Void>partOf(false)).required()
            .doc("value of the rules' `slo` label; `[a-z0-9-]+`, unique"));
    static final ConfigKey<Void> SLO_METRIC = add(key("slo[].metric", Kind.<Void>partOf(false)).required()
            .doc(codes(Arrays.stream(KoreMeter.values()).filter(KoreMeter::latency).map(KoreMeter::metricName)
                    .toList(), ", ") + " (latency SLO) or `" + Slo.ContainmentShare.METRIC + "` (containment SLO)"));
    static final ConfigKey<Void> SLO_THRESHOLD = add(key("slo[].threshold", Kind.<Void>partOf(false))
            .shownAs("required for a latency SLO")
            .doc("seconds; one of that histogram's bucket bounds (`metrics.buckets` or the built-in ones); not allowed"
                    + " for `" + Slo.ContainmentShare.METRIC + "`"));
    static final ConfigKey<Void> SLO_GOOD = add(key("slo[].good", Kind.<Void>partOf(true))
            .shownAs("required for a containment SLO")
            .doc("the containment values that count as good: a non-empty list of `selfService`, `dropOff`, `agent`,"
                    + " not all three; only for `" + Slo.ContainmentShare.METRIC + "`"));
    static final ConfigKey<Void> SLO_OBJECTIVE = add(key("slo[].objective", Kind.<Void>partOf(false)).required()
            .doc("share of good events the SLO promises over 30 days: a ratio between 0 and 1, exclusive (`0.95`)"));

    /**
     * Mappings read only when they apply: TLS and basic auth when present, PostgreSQL's keys with that store
     * (anywhere else they would be silently ignored, so they are an error there).
     */
    static final List<Group> GROUPS = List.of(
            new Group("server.tls", null, null, null),
            new Group("server.basic-auth", null, null, null),
            new Group("state.postgresql", STATE_STORE, StateStore.POSTGRESQL, StateStore.POSTGRESQL.wireName()));

    /**
     * A mapping read only when the file has it ({@code when} null) or when key {@code when} has {@code value}
     * (written {@code shown} in the file).
     */
    record Group(String path, ConfigKey<?> when, Object value, String shown) {
        boolean appliesTo(Values v) {
            return when == null || Objects.equals(v.get(when), value);
        }
    }

    private ConfigKeys() {
    }

    /** Every row, in the order of README's table. */
    static List<ConfigKey<?>> rows() {
        return List.copyOf(ROWS);
    }

    /** The row at {@code path} ({@code bots[].name}), or null for a mapping or an unknown path. */
    static ConfigKey<?> row(String path) {
        return ROWS.stream().filter(k -> k.path().equals(path)).findFirst().orElse(null);
    }

    static Group group(String path) {
        return GROUPS.stream().filter(g -> g.path().equals(path)).findFirst().orElse(null);
    }

    /**
     * The keys of the mapping at {@code parent} ({@code ""}, {@code kore}, {@code bots[]}), in table order: its
     * rows and its nested mappings. The entries of a list belong to the list's own row.
     */
    static List<String> children(String parent) {
        String prefix = parent.isEmpty() ? "" : parent + ".";
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (ConfigKey<?> k : ROWS) {
            if (k.path().startsWith(prefix)) {
                String first = k.path().substring(prefix.length()).split("\\.")[0];
                if (!first.endsWith("[]")) {
                    names.add(first);
                }
            }
        }
        return List.copyOf(names);
    }

    /** Every path an environment variable may set, e.g. {@code bots[].channels[]}. */
    static List<String> envPaths() {
        return ROWS.stream().flatMap(k -> k.kind().envPaths(k.path()).stream()).toList();
    }

    private static <T> ConfigKey<T> add(ConfigKey<T> key) {
        ROWS.add(key);
        return key;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String codes(List<String> names, String separator) {
        return names.stream().map(n -> "`" + n + "`").collect(Collectors.joining(separator));
    }
}
