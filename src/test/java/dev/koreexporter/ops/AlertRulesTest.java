package dev.koreexporter.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.config.Slo;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.model.Containment;
import dev.koreexporter.slo.RuleGenerator;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alert metadata (kubernetes-mixin style) and that the promtool tests cover every rule. */
class AlertRulesTest {
    private static final String RUNBOOK = "https://github.com/kore-exporter/kore-exporter/blob/main/docs/runbook.md#";
    /** Alerts about the exporter process rather than one bot: they name the instance. */
    private static final Set<String> PER_INSTANCE = Set.of("KoreExporterDown", "KoreExporterRestarting",
            "KoreExporterConnectionsCutOff", "KoreExporterAuthFailures");

    @Test
    void everyAlertHasForSeveritySummaryDescriptionAndRunbook() {
        List<JsonNode> alerts = alerts();
        assertTrue(alerts.size() >= 8, "alerts: " + alerts.size());
        checkMetadata(alerts);
    }

    /** Whatever SLOs a user writes, the generated alerts have the same metadata and a runbook section. */
    @Test
    void generatedAlertsOfEverySloKindHaveTheirMetadataAndRunbookSection() throws Exception {
        List<Slo> slos = new ArrayList<>();
        for (KoreMeter h : KoreMeter.values()) {
            if (h.latency()) {
                slos.add(new Slo.Latency(h.name().toLowerCase(Locale.ROOT).replace('_', '-'), h, 1.0, new BigDecimal("0.99")));
            }
        }
        slos.add(new Slo.ContainmentShare("contained", Set.of(Containment.SELF_SERVICE), new BigDecimal("0.6")));
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : OpsRepo.YAML.readTree(RuleGenerator.render(slos)).path("groups")) {
            group.path("rules").forEach(r -> {
                if (r.has("alert")) {
                    alerts.add(r);
                }
            });
        }
        // Four burn-rate alerts per SLO, plus the exporter-health alerts (exporter-alerts.yml).
        assertEquals(4 * slos.size() + fixedAlerts(), alerts.size());
        checkMetadata(alerts);
    }

    private static void checkMetadata(List<JsonNode> alerts) {
        Set<String> anchors = runbookAnchors();
        for (JsonNode a : alerts) {
            String name = a.path("alert").asText();
            assertTrue(name.matches("Kore[A-Z][A-Za-z]+"), name + ": CamelCase Kore*");
            assertFalse(a.path("for").asText().isBlank(), name + ": for");
            assertTrue(Set.of("page", "ticket").contains(a.path("labels").path("severity").asText()), name + ": severity");
            JsonNode ann = a.path("annotations");
            assertFalse(ann.path("summary").asText().isBlank(), name + ": summary");
            String description = ann.path("description").asText();
            assertTrue(description.contains("$value"), name + ": description shows $value");
            // An alert about the deployment's shards names its job; one about a target, the target; the rest, the bot.
            String subject = PER_INSTANCE.contains(name) ? "$labels.instance"
                    : name.startsWith("KoreExporterShard") ? "$labels.job" : "$labels.bot";
            assertTrue(description.contains(subject), name + ": description names " + subject);
            String url = ann.path("runbook_url").asText();
            assertTrue(url.startsWith(RUNBOOK), name + ": runbook_url into docs/runbook.md");
            String anchor = url.substring(RUNBOOK.length());
            assertEquals(name.toLowerCase(Locale.ROOT), anchor, name + ": anchor of its own section");
            assertTrue(anchors.contains(anchor), name + ": docs/runbook.md has a section '## " + name + "'");
        }
    }

    @Test
    void burnRateAlertsFollowTheMultiWindowPattern() {
        for (String name : List.of("KoreTurnLatencyBudgetBurn", "KoreTtsFirstByteBudgetBurn")) {
            Set<String> seen = new HashSet<>();
            for (JsonNode a : alerts()) {
                if (a.path("alert").asText().equals(name)) {
                    JsonNode l = a.path("labels");
                    seen.add(l.path("long").asText() + "/" + l.path("short").asText() + "/" + l.path("severity").asText());
                }
            }
            assertEquals(Set.of("1h/5m/page", "6h/30m/page", "1d/2h/ticket", "3d/6h/ticket"), seen, name);
        }
    }

    @Test
    void promtoolTestsCheckEveryAlertAndEveryRecordingRule() {
        Set<String> testedAlerts = new HashSet<>();
        StringBuilder testedExprs = new StringBuilder();
        for (Path f : OpsRepo.ruleTestFiles()) {
            for (JsonNode test : OpsRepo.readYaml(f).path("tests")) {
                test.path("alert_rule_test").forEach(t -> testedAlerts.add(t.path("alertname").asText()));
                test.path("promql_expr_test").forEach(t -> testedExprs.append(t.path("expr").asText()).append('\n'));
            }
        }
        for (JsonNode a : alerts()) {
            assertTrue(testedAlerts.contains(a.path("alert").asText()), "promtool test for " + a.path("alert").asText());
        }
        Set<String> testedNames = OpsRepo.metricNames(testedExprs.toString());
        for (String record : OpsRepo.recordingRuleNames()) {
            assertTrue(testedNames.contains(record), "promtool test for recording rule " + record);
        }
    }

    /** The alerts `rules` appends whatever the SLOs: exporter-alerts.yml. */
    private static int fixedAlerts() throws IOException {
        JsonNode file = OpsRepo.YAML.readTree(OpsRepo.ROOT.resolve(
                "src/main/resources/dev/koreexporter/slo/exporter-alerts.yml").toFile());
        int n = 0;
        for (JsonNode group : file.path("groups")) {
            for (JsonNode r : group.path("rules")) {
                n += r.has("alert") ? 1 : 0;
            }
        }
        return n;
    }

    private static List<JsonNode> alerts() {
        return OpsRepo.rules().stream().filter(r -> r.has("alert")).toList();
    }

    private static Set<String> runbookAnchors() {
        Set<String> anchors = new HashSet<>();
        for (String line : OpsRepo.readLines(OpsRepo.ROOT.resolve("docs/runbook.md"))) {
            if (line.startsWith("## ")) {
                anchors.add(line.substring(3).trim().toLowerCase(Locale.ROOT).replace(' ', '-'));
            }
        }
        return anchors;
    }
}
