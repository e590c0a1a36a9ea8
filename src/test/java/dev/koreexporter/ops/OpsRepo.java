package dev.koreexporter.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.koreexporter.metrics.catalogue.KoreMeter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The operations files of the repository (dashboards, rules, compose) as the tests read them. */
final class OpsRepo {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    static final Path DASHBOARDS = ROOT.resolve("grafana/dashboards");
    static final Path PROMETHEUS_YML = ROOT.resolve("prometheus/prometheus.yml");
    /** The docker-compose stack's Prometheus config: PROMETHEUS_YML plus scrape_classic_histograms. */
    static final Path COMPOSE_PROMETHEUS_YML = ROOT.resolve("deploy/compose/prometheus.yml");
    static final Path RULES = ROOT.resolve("prometheus/rules");
    static final Path RULE_TESTS = ROOT.resolve("prometheus/tests");
    static final Path CONTRACT = ROOT.resolve("../shared/CONTRACT.md").normalize();

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** CONTRACT §4, used when ../shared/CONTRACT.md is not next to the repository (name -> is histogram). */
    static final Map<String, Boolean> CONTRACT_METRICS_FALLBACK = fallback();

    private static final Set<String> PROMQL_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool", "atan2", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Pattern CONTRACT_ROW = Pattern.compile("^\\|\\s*`([a-z_:]+)`\\s*\\|\\s*([^|]+)\\|");

    private OpsRepo() {
    }

    private static Map<String, Boolean> fallback() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (String h : List.of("kore_turn_latency_seconds", "kore_asr_latency_seconds", "kore_bot_latency_seconds",
                "kore_tts_latency_seconds", "kore_tts_first_byte_seconds", "kore_asr_confidence",
                "kore_tts_audio_seconds", "kore_session_duration_seconds", "kore_session_messages",
                "kore_exporter_api_request_duration_seconds")) {
            m.put(h, true);
        }
        for (String other : List.of("kore_tts_characters_total", "kore_messages_total", "kore_sessions_total",
                "kore_containment_ratio", "kore_agentai_conversations_total", "kore_exporter_up",
                "kore_exporter_api_requests_total", "kore_exporter_api_throttled_total",
                "kore_exporter_last_success_timestamp_seconds", "kore_exporter_watermark_lag_seconds",
                "kore_exporter_duplicates_dropped_total", "kore_exporter_records_rejected_total",
                "kore_exporter_build_info")) {
            m.put(other, false);
        }
        return Map.copyOf(m);
    }

    /** CONTRACT §4 metric names (name -> is histogram), from CONTRACT.md when present, else the fallback. */
    static Map<String, Boolean> contractMetrics() {
        if (!Files.isRegularFile(CONTRACT)) {
            return CONTRACT_METRICS_FALLBACK;
        }
        Map<String, Boolean> m = new LinkedHashMap<>();
        boolean inMetrics = false;
        for (String line : readLines(CONTRACT)) {
            if (line.startsWith("## ")) {
                inMetrics = line.startsWith("## 4.");
            }
            Matcher row = CONTRACT_ROW.matcher(line);
            if (inMetrics && row.find()) {
                m.put(row.group(1), row.group(2).trim().startsWith("histogram"));
            }
        }
        return m;
    }

    /**
     * The latency histograms exported as native histograms too (README "Native histograms"; the catalogue's
     * latency histograms, the five of CONTRACT §7.6 and kore_turn_gap_seconds): in PromQL their
     * bare name is the native series, e.g. histogram_quantile(0.9, sum(rate(kore_turn_latency_seconds[1m]))).
     */
    static final Set<String> NATIVE_HISTOGRAMS = Arrays.stream(KoreMeter.values()).filter(KoreMeter::latency)
            .map(KoreMeter::metricName).collect(Collectors.toUnmodifiableSet());

    /**
     * Every series name a query may use for the contract metrics (histograms: _bucket, _count, _sum; the native
     * histograms also their bare name).
     */
    static Set<String> contractSeriesNames() {
        Set<String> names = new LinkedHashSet<>(NATIVE_HISTOGRAMS);
        contractMetrics().forEach((name, histogram) -> {
            if (histogram) {
                names.addAll(List.of(name + "_bucket", name + "_count", name + "_sum"));
            } else {
                names.add(name);
            }
        });
        return names;
    }

    /** Metric names referenced by a PromQL expression (functions, keywords, labels and strings left out). */
    static Set<String> metricNames(String promql) {
        String s = STRING.matcher(promql).replaceAll("\"\"");
        s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String id = m.group(1);
            boolean function = m.group(2) != null;
            if (!function && !PROMQL_KEYWORDS.contains(id)) {
                names.add(id);
            }
        }
        return names;
    }

    /** Whether a query reads a native histogram (a latency histogram by its bare name). */
    static boolean usesNativeHistograms(String promql) {
        return metricNames(promql).stream().anyMatch(NATIVE_HISTOGRAMS::contains);
    }

    static List<Path> dashboardFiles() {
        return list(DASHBOARDS, ".json");
    }

    static List<Path> ruleFiles() {
        return list(RULES, ".yml");
    }

    static List<Path> ruleTestFiles() {
        return list(RULE_TESTS, ".yml");
    }

    static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + ROOT.relativize(file), e);
        }
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + ROOT.relativize(file), e);
        }
    }

    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-row panel of a dashboard, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            if ("row".equals(p.path("type").asText())) {
                p.path("panels").forEach(out::add);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** All rules (recording and alerting) of all rule files. */
    static List<JsonNode> rules() {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : ruleFiles()) {
            for (JsonNode group : readYaml(f).path("groups")) {
                group.path("rules").forEach(out::add);
            }
        }
        return out;
    }

    static Set<String> recordingRuleNames() {
        Set<String> names = new LinkedHashSet<>();
        rules().stream().filter(r -> r.has("record")).forEach(r -> names.add(r.get("record").asText()));
        return names;
    }

    /** A dashboard query with Grafana's variables replaced so Prometheus can run it as is. */
    static String substituteVariables(String expr) {
        return expr.replace("${datasource}", "")
                .replace("$__rate_interval", "1m")
                .replace("$__interval", "15s")
                .replace("$__range", "1m")
                .replaceAll("\\$\\{?(bot|channel|language)}?", ".*");
    }
}
