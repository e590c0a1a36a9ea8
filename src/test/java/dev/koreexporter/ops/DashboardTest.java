package dev.koreexporter.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grafana dashboards: portable (datasource variable), documented (unit, description), built on real metrics. */
class DashboardTest {
    /** Classic buckets and native histograms of the latency histograms. */
    private static final Set<String> LATENCY_HISTOGRAMS = latencyHistograms();
    private static final Pattern RANGE = Pattern.compile("\\[([^]]*)]");

    private static Set<String> latencyHistograms() {
        Set<String> names = new HashSet<>(OpsRepo.NATIVE_HISTOGRAMS);
        OpsRepo.NATIVE_HISTOGRAMS.forEach(n -> names.add(n + "_bucket"));
        return Set.copyOf(names);
    }

    @Test
    void latencyDashboardShowsNativeQuantilesOfEveryLatencyHistogram() {
        JsonNode d = OpsRepo.readJson(OpsRepo.DASHBOARDS.resolve("kore-voice-latency.json"));
        Set<String> withNativePanel = new HashSet<>();
        for (JsonNode p : OpsRepo.panels(d)) {
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                if (!OpsRepo.usesNativeHistograms(expr)) {
                    continue;
                }
                assertTrue(expr.startsWith("histogram_quantile(") && !expr.contains(" le") && !expr.contains("(le"),
                        title(p) + ": a native quantile needs no le label: " + expr);
                assertTrue(p.path("description").asText().contains("native-histograms"),
                        title(p) + ": says it needs Prometheus' native-histograms feature");
                withNativePanel.addAll(OpsRepo.metricNames(expr));
            }
        }
        assertEquals(OpsRepo.NATIVE_HISTOGRAMS, withNativePanel, "native quantile panels");
    }

    @Test
    void nativeHistogramQueriesAreRecognised() {
        assertTrue(OpsRepo.usesNativeHistograms("histogram_quantile(0.9, sum(rate(kore_turn_latency_seconds[1m])))"));
        assertFalse(OpsRepo.usesNativeHistograms(
                "histogram_quantile(0.9, sum by (le) (rate(kore_turn_latency_seconds_bucket[1m])))"));
        assertFalse(OpsRepo.usesNativeHistograms("sum(rate(kore_session_duration_seconds_count[1m]))"));
    }

    @Test
    void thereAreTheThreeDashboards() {
        Set<String> uids = new HashSet<>();
        OpsRepo.dashboardFiles().forEach(f -> uids.add(OpsRepo.readJson(f).path("uid").asText()));
        assertEquals(Set.of("kore-voice-latency", "kore-containment", "kore-exporter-health"), uids);
    }

    @TestFactory
    Stream<DynamicTest> everyDashboard() {
        return OpsRepo.dashboardFiles().stream().flatMap(file -> {
            String name = file.getFileName().toString();
            return Stream.of(
                    DynamicTest.dynamicTest(name + ": importable as is", () -> importable(file)),
                    DynamicTest.dynamicTest(name + ": datasource variable everywhere", () -> datasourceVariable(file)),
                    DynamicTest.dynamicTest(name + ": unit and description on every panel", () -> documented(file)),
                    DynamicTest.dynamicTest(name + ": template variables", () -> variables(file)),
                    DynamicTest.dynamicTest(name + ": rates over $__rate_interval", () -> rateIntervals(file)),
                    DynamicTest.dynamicTest(name + ": exemplars on latency panels", () -> exemplars(file)),
                    DynamicTest.dynamicTest(name + ": known metrics only", () -> knownMetrics(file)));
        });
    }

    private static void importable(Path file) throws IOException {
        JsonNode d = OpsRepo.readJson(file);
        assertFalse(d.has("__inputs"), "no __inputs: provisioned dashboards are not imported through the UI");
        assertFalse(d.path("uid").asText().isBlank(), "fixed uid");
        assertTrue(d.path("schemaVersion").asInt() >= 36, "schemaVersion");
        assertFalse(OpsRepo.panels(d).isEmpty(), "has panels");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            assertTrue(ids.add(p.path("id").asInt()), "panel ids unique: " + p.path("id"));
        }
        assertFalse(Files.readString(file).contains("${DS_"), "no hard-coded ${DS_...} datasource");
    }

    private static void datasourceVariable(Path file) {
        JsonNode d = OpsRepo.readJson(file);
        JsonNode ds = variable(d, "datasource");
        assertEquals("datasource", ds.path("type").asText(), "variable datasource is a datasource variable");
        assertEquals("prometheus", ds.path("query").asText(), "datasource variable lists Prometheus data sources");
        for (JsonNode p : OpsRepo.panels(d)) {
            assertEquals("${datasource}", p.path("datasource").path("uid").asText(), title(p) + ": panel datasource");
            assertTrue(p.path("targets").size() > 0, title(p) + ": has queries");
            for (JsonNode t : p.path("targets")) {
                assertEquals("${datasource}", t.path("datasource").path("uid").asText(),
                        title(p) + " " + t.path("refId").asText() + ": target datasource");
            }
        }
    }

    private static void documented(Path file) {
        for (JsonNode p : OpsRepo.panels(OpsRepo.readJson(file))) {
            String unit = p.path("fieldConfig").path("defaults").path("unit").asText();
            assertFalse(unit.isBlank(), title(p) + ": unit");
            assertTrue(p.path("description").asText().length() >= 40, title(p) + ": a description saying what it shows");
        }
    }

    private static void variables(Path file) {
        JsonNode d = OpsRepo.readJson(file);
        List<String> exprs = exprs(d);
        int queryVariables = 0;
        for (JsonNode v : d.path("templating").path("list")) {
            if (!"query".equals(v.path("type").asText())) {
                continue;
            }
            queryVariables++;
            String name = v.path("name").asText();
            assertTrue(Set.of("bot", "channel", "language").contains(name), "unexpected variable " + name);
            assertTrue(v.path("multi").asBoolean() && v.path("includeAll").asBoolean(), name + ": multi + All");
            assertEquals(".*", v.path("allValue").asText(), name + ": All means every value, also new ones");
            assertEquals("${datasource}", v.path("datasource").path("uid").asText(), name + ": datasource");
            assertTrue(v.path("definition").asText().startsWith("label_values("), name + ": label_values query");
            assertTrue(exprs.stream().anyMatch(e -> e.contains("=~\"$" + name + "\"")), name + ": used in queries");
        }
        assertTrue(queryVariables > 0, "has a bot variable at least");
        variable(d, "bot");
    }

    private static void rateIntervals(Path file) {
        for (String e : exprs(OpsRepo.readJson(file))) {
            Matcher m = RANGE.matcher(e);
            while (m.find()) {
                assertTrue(Set.of("$__rate_interval", "$__range").contains(m.group(1)), "range [" + m.group(1) + "] in " + e);
            }
        }
    }

    private static void exemplars(Path file) {
        for (JsonNode p : OpsRepo.panels(OpsRepo.readJson(file))) {
            if (!Set.of("timeseries", "heatmap").contains(p.path("type").asText())) {
                continue;
            }
            for (JsonNode t : p.path("targets")) {
                Set<String> names = OpsRepo.metricNames(t.path("expr").asText());
                if (names.stream().anyMatch(LATENCY_HISTOGRAMS::contains) && t.path("expr").asText().contains("histogram_quantile")
                        || names.stream().anyMatch(LATENCY_HISTOGRAMS::contains) && "heatmap".equals(p.path("type").asText())) {
                    assertTrue(t.path("exemplar").asBoolean(), title(p) + ": exemplars on latency queries");
                }
            }
        }
    }

    private static void knownMetrics(Path file) {
        Set<String> known = knownNames();
        JsonNode d = OpsRepo.readJson(file);
        List<String> queries = new ArrayList<>(exprs(d));
        for (JsonNode v : d.path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                String def = v.path("definition").asText();
                queries.add(def.substring("label_values(".length(), def.lastIndexOf(',')));
            }
        }
        for (String q : queries) {
            for (String name : OpsRepo.metricNames(q)) {
                assertTrue(isKnown(known, name), "unknown metric " + name + " in " + q);
            }
        }
    }

    @Test
    void ruleExpressionsUseKnownMetricsOnly() {
        Set<String> known = knownNames();
        for (JsonNode rule : OpsRepo.rules()) {
            for (String name : OpsRepo.metricNames(rule.path("expr").asText())) {
                assertTrue(isKnown(known, name), "unknown metric " + name + " in rule " + rule);
            }
        }
    }

    @Test
    void sloThresholdsAreShownAsPanelThresholds() {
        Set<Double> steps = new LinkedHashSet<>();
        for (Path f : OpsRepo.dashboardFiles()) {
            for (JsonNode p : OpsRepo.panels(OpsRepo.readJson(f))) {
                p.path("fieldConfig").path("defaults").path("thresholds").path("steps")
                        .forEach(s -> { if (s.path("value").isNumber()) steps.add(s.path("value").asDouble()); });
            }
        }
        assertTrue(steps.containsAll(List.of(1.5, 0.3, 0.95, 14.4)), "SLO thresholds among " + steps);
    }

    @Test
    void metricNameExtractionIgnoresLabelsFunctionsAndKeywords() {
        assertEquals(Set.of("a_bucket", "b:c:d"), OpsRepo.metricNames(
                "histogram_quantile(0.9, sum by (le, bot) (rate(a_bucket{bot=~\"$bot\",le=~\"1.5(\\\\.0)?\"}[$__rate_interval])))"
                        + " / on (bot) group_left () b:c:d or vector(0) and time() > 1"));
    }

    @Test
    void contractListInTheTestMatchesContractWhenPresent() {
        if (Files.isRegularFile(OpsRepo.CONTRACT)) {
            assertEquals(OpsRepo.CONTRACT_METRICS_FALLBACK, Map.copyOf(OpsRepo.contractMetrics()),
                    "CONTRACT.md §4 changed: update OpsRepo.CONTRACT_METRICS_FALLBACK");
        } else {
            assertEquals(23, OpsRepo.contractMetrics().size(), "fallback list of CONTRACT §4");
        }
    }

    private static Set<String> knownNames() {
        Set<String> known = new HashSet<>(OpsRepo.contractSeriesNames());
        known.addAll(OpsRepo.recordingRuleNames());
        // The catalogue holds the meters added since (README "Metrics" lists them; ReadmeMetricTableTest checks it).
        for (KoreMeter m : KoreMeter.values()) {
            boolean histogram = m.type() == KoreMeter.Type.HISTOGRAM;
            known.addAll(histogram ? List.of(m.metricName() + "_bucket", m.metricName() + "_count",
                    m.metricName() + "_sum") : List.of(m.metricName()));
        }
        known.add("up");
        // Meters added after the first release are in the catalogue (README "Metrics"), not in the 0.2.0 list.
        for (KoreMeter m : KoreMeter.values()) {
            known.add(m.metricName());
            if (m.type() == KoreMeter.Type.HISTOGRAM) {
                known.addAll(List.of(m.metricName() + "_bucket", m.metricName() + "_count", m.metricName() + "_sum"));
            }
        }
        return known;
    }

    private static boolean isKnown(Set<String> known, String name) {
        return known.contains(name) || name.startsWith("jvm_") || name.startsWith("process_");
    }

    private static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no template variable " + name);
    }

    static List<String> exprs(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        OpsRepo.panels(dashboard).forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
        return out;
    }

    private static String title(JsonNode panel) {
        return "panel '" + panel.path("title").asText() + "'";
    }
}
