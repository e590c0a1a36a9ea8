package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.config.ExporterConfig.Kore;
import dev.koreexporter.config.ExporterConfig.Metrics;
import dev.koreexporter.config.ExporterConfig.Poll;
import dev.koreexporter.config.ExporterConfig.RateLimit;
import dev.koreexporter.config.ExporterConfig.Server;
import dev.koreexporter.config.ExporterConfig.State;
import dev.koreexporter.config.ExporterConfig.Tls;
import dev.koreexporter.config.ExporterConfig.Tracing;
import dev.koreexporter.metrics.catalogue.KoreMeter;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decodes the YAML tree (after {@code ${ENV}} resolution and env overrides) into {@link ExporterConfig}:
 * strict keys and types, the defaults of README "Configuration", then the rules. Collects every problem.
 */
final class ConfigDecoder {
    static final int DEFAULT_PORT = 9469;
    static final String DEFAULT_HOST = "0.0.0.0";
    static final URI DEFAULT_BASE_URL = URI.create("https://platform.kore.ai");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    /** Below this a single ordinary page could not be read; above it one body could not fit a Java array. */
    static final long MIN_RESPONSE_SIZE = 64L << 10;
    static final long MAX_RESPONSE_SIZE = 1L << 30;
    static final int DEFAULT_PER_MINUTE = 60;
    static final int DEFAULT_PER_HOUR = 1800;
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    static final Duration DEFAULT_LOOKBACK = Duration.ofMinutes(20);
    /** Re-reading more than a day every cycle only burns the rate limit; it also keeps a window under 7 days. */
    static final Duration MAX_LOOKBACK = Duration.ofDays(1);
    static final Duration DEFAULT_BACKFILL = Duration.ofHours(1);
    static final Path DEFAULT_STATE_DIR = Path.of("./state");
    static final Duration DEFAULT_CONTAINMENT_WINDOW = Duration.ofHours(1);
    /** More distinct values than this per label and bot is no longer a bounded label set. */
    static final int MAX_LABEL_VALUES = 10_000;

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");

    private final Problems problems;
    private final List<String> warnings;

    ConfigDecoder(Problems problems, List<String> warnings) {
        this.problems = problems;
        this.warnings = warnings;
    }

    /** The config, or null when there were problems (they are in {@link Problems}). */
    ExporterConfig decode(JsonNode tree) {
        Section root = Section.of(tree, "", problems,
                List.of("server", "kore", "poll", "state", "metrics", "tracing", "filters", "bots", "slo"));
        Server server = server(root.section("server", List.of("port", "host", "tls", "basic-auth")));
        Kore kore = kore(root.section("kore", List.of("base-url", "timeout", "rate-limit", "ca-bundle", "messages-api", "max-response-size")));
        Section p = root.section("poll", List.of("interval", "lookback", "backfill", "sweep-interval"));
        Duration lookback = p.duration("lookback", DEFAULT_LOOKBACK, false, MAX_LOOKBACK);
        Poll poll = new Poll(p.duration("interval", DEFAULT_INTERVAL, false, null), lookback,
                p.duration("backfill", DEFAULT_BACKFILL, true, null), sweepInterval(p, lookback));
        Section s = root.section("state", List.of("dir"));
        State state = new State(Path.of(s.string("dir", DEFAULT_STATE_DIR.toString())));
        Metrics metrics = metrics(root.section("metrics", List.of("containment-window", "buckets", "max-label-values")));
        Tracing tracing = new Tracing(root.section("tracing", List.of("include-text")).bool("include-text", false));
        ExporterConfig.Filters filters = new ExporterConfig.Filters(
                root.section("filters", List.of("include-developer")).bool("include-developer", false));
        List<ExporterConfig.Bot> bots = new BotDecoder(problems, warnings).bots(root.get("bots"), "bots");
        List<Slo> slos = new SloDecoder(problems, warnings).slos(root.get("slo"), "slo", metrics.buckets());
        return problems.isEmpty() ? new ExporterConfig(server, kore, poll, state, metrics, tracing, bots, slos, filters)
                : null;
    }

    /** At most the lookback: a sweep re-reads one lookback, so sweeping less often would leave records unread. */
    private Duration sweepInterval(Section p, Duration lookback) {
        Duration def = Poll.defaultSweepInterval(lookback);
        Duration d = p.duration("sweep-interval", def, false, null);
        if (d.compareTo(lookback) > 0 && !problems.isBad(p.path("lookback"))) {
            problems.add(p.path("sweep-interval"), "must be at most poll.lookback (" + Durations.format(lookback)
                    + "), got " + Durations.format(d));
            return def;
        }
        return d;
    }

    private Server server(Section s) {
        // 0 lets the OS pick a free port: tests and a throwaway demo need that.
        int port = s.integer("port", DEFAULT_PORT, 0, 65535);
        String host = s.string("host", DEFAULT_HOST);
        Tls tls = null;
        if (s.has("tls")) {
            Section t = s.section("tls", List.of("cert-file", "key-file"));
            Path cert = existingFile(t, "cert-file", true);
            Path key = existingFile(t, "key-file", true);
            if (key != null) {
                String w = ConfigFiles.groupOrOtherReadable(key);
                if (w != null) {
                    warnings.add(t.path("key-file") + ": " + w);
                }
            }
            tls = new Tls(cert, key);
        }
        Map<String, String> users = Map.of();
        if (s.has("basic-auth")) {
            users = users(s.section("basic-auth", List.of("users")));
        }
        return new Server(port, host, tls, users);
    }

    private Map<String, String> users(Section basicAuth) {
        if (!basicAuth.has("users")) {
            problems.add(basicAuth.path("users"), "required");
            return Map.of();
        }
        Section u = basicAuth.section("users", null);
        if (u.keys().isEmpty() && !problems.isBad(u.path())) {
            problems.add(u.path(), "must list at least one user");
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (String user : u.keys()) {
            String hash = u.string(user, null);
            // Never echo the value: a plain password put here by mistake must not reach a log.
            if (hash != null && !BCRYPT.matcher(hash).matches()) {
                problems.add(u.path(user), "must be a bcrypt hash ($2a$, $2b$ or $2y$), not a plain password");
            } else if (hash != null) {
                users.put(user, hash);
            }
        }
        return users;
    }

    private Kore kore(Section k) {
        URI baseUrl = DEFAULT_BASE_URL;
        String url = k.string("base-url", null);
        if (url != null) {
            baseUrl = httpUrl(url);
            if (baseUrl == null) {
                problems.add(k.path("base-url"), "must be an absolute http or https URL, got \"" + url + "\"");
                baseUrl = DEFAULT_BASE_URL;
            }
        }
        Duration timeout = k.duration("timeout", DEFAULT_TIMEOUT, false, MAX_TIMEOUT);
        Section r = k.section("rate-limit", List.of("per-minute", "per-hour"));
        int perMinute = r.integer("per-minute", DEFAULT_PER_MINUTE, 1, Integer.MAX_VALUE);
        int perHour = r.integer("per-hour", DEFAULT_PER_HOUR, 1, Integer.MAX_VALUE);
        if (perHour < perMinute && !problems.isBad(r.path("per-minute")) && !problems.isBad(r.path("per-hour"))) {
            problems.add(r.path("per-hour"), "must be at least per-minute (" + perMinute + "), got " + perHour);
        }
        Path caBundle = k.has("ca-bundle") ? existingFile(k, "ca-bundle", false) : null;
        String api = k.string("messages-api", MessagesApi.AUTO.wireName());
        MessagesApi messagesApi = MessagesApi.fromWire(api).orElse(null);
        if (messagesApi == null) {
            problems.add(k.path("messages-api"), "must be auto, v2 or v1, got \"" + api + "\"");
        }
                long maxResponseSize = maxResponseSize(k);
        if ("http".equalsIgnoreCase(baseUrl.getScheme()) && !loopback(baseUrl)) {
            // Logged once at start (Main). The URL is not echoed in full: it might carry user info.
            warnings.add(k.path("base-url") + ": plain http to " + baseUrl.getHost()
                    + ": the bots' signed tokens and Kore.ai's answers travel unencrypted; use https");
        }
        return new Kore(baseUrl, timeout, new RateLimit(perMinute, perHour), caBundle, messagesApi, maxResponseSize);
    }

    private long maxResponseSize(Section k) {
        String key = "max-response-size";
        JsonNode v = k.get(key);
        if (v == null || problems.isBad(k.path(key))) {
            return Kore.DEFAULT_MAX_RESPONSE_SIZE;
        }
        long size;
        try {
            size = v.isValueNode() ? Sizes.parse(v.asText()) : -1;
        } catch (IllegalArgumentException e) {
            size = -1;
        }
        if (size < 0) {
            problems.add(k.path(key), "invalid size " + Section.shown(v) + " (" + Sizes.SYNTAX + ")");
            return Kore.DEFAULT_MAX_RESPONSE_SIZE;
        }
        if (size < MIN_RESPONSE_SIZE || size > MAX_RESPONSE_SIZE) {
            problems.add(k.path(key), "must be between " + Sizes.format(MIN_RESPONSE_SIZE) + " and "
                    + Sizes.format(MAX_RESPONSE_SIZE) + ", got " + Section.shown(v));
            return Kore.DEFAULT_MAX_RESPONSE_SIZE;
        }
        return size;
    }

    /** The simulator in demo mode and tests: traffic that never leaves the host needs no warning. */
    private static boolean loopback(URI url) {
        String host = url.getHost();
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    /** The URL without a trailing slash (clients append paths), or null when not absolute http(s). */
    private static URI httpUrl(String text) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                return null;
            }
            String s = uri.toString();
            return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** A path that must name a readable regular file; null (after a problem when required) otherwise. */
    private Path existingFile(Section s, String key, boolean required) {
        String text = required ? s.required(key) : s.string(key, null);
        if (text == null || text.isEmpty()) {
            return null;
        }
        Path file = Path.of(text);
        String why = ConfigFiles.unreadable(file);
        if (why != null) {
            problems.add(s.path(key), why);
            return null;
        }
        return file;
    }

    private Metrics metrics(Section m) {
        Duration window = m.duration("containment-window", DEFAULT_CONTAINMENT_WINDOW, false, null);
        Section b = m.section("buckets", ConfigKeys.HISTOGRAMS);
        Map<String, List<Double>> buckets = new LinkedHashMap<>();
        for (String metric : b.keys()) {
            if (ConfigKeys.HISTOGRAMS.contains(metric)) {
                List<Double> bounds = bounds(b.get(metric), b.path(metric), ConfigKeys.RATIO_HISTOGRAMS.contains(metric));
                if (bounds != null) {
                    buckets.put(metric, bounds);
                }
            }
        }
        int maxLabelValues = m.integer("max-label-values", KoreMeter.LABEL_VALUE_LIMIT, 1, MAX_LABEL_VALUES);
        return new Metrics(window, buckets, maxLabelValues);
    }

    /** A non-empty, strictly increasing list of positive numbers (at most 1 for a ratio). */
    private List<Double> bounds(JsonNode list, String path, boolean ratio) {
        if (list == null || !list.isArray()) {
            problems.add(path, "must be a list of numbers, got " + (list == null ? "null" : Section.describe(list)));
            return null;
        }
        if (list.isEmpty()) {
            problems.add(path, "must not be empty");
            return null;
        }
        List<Double> bounds = new ArrayList<>();
        Double previous = null;
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String at = path + "[" + i + "]";
            Double v = number(n);
            if (v == null) {
                problems.add(at, "must be a number, got " + Section.shown(n));
            } else if (v <= 0) {
                problems.add(at, "must be positive, got " + Section.shown(n));
            } else if (ratio && v > 1) {
                problems.add(at, "must be at most 1 (the metric is a ratio), got " + Section.shown(n));
            } else if (previous != null && v <= previous) {
                problems.add(at, "must be greater than the previous bound " + Section.shown(list.get(i - 1))
                        + ", got " + Section.shown(n));
            } else {
                bounds.add(v);
            }
            previous = v == null ? previous : v;
        }
        return bounds.size() == list.size() ? bounds : null;
    }

    private static Double number(JsonNode n) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual() && NUMBER.matcher(n.textValue().strip()).matches()) {
            try {
                double d = Double.parseDouble(n.textValue().strip());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
