package dev.koreexporter.slo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.koreexporter.cli.RulesCommand;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.Slo;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleGeneratorTest {
    static final Path SHIPPED = Path.of("prometheus/rules/kore-alerts.yml");
    static final Path CUSTOM = Path.of("src/test/resources/slo/custom-slo.yml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theShippedAlertsAreTheRulesCommandsOutputForTheDefaults(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("no-slo.yml");
        Files.writeString(config, """
                metrics:
                  buckets:
                    kore_asr_latency_seconds: [0.5, 1]
                bots:
                  - name: billing-voice
                    id: st-1
                    client-id: cs-1
                    client-secret: s3cret-inline
                """);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = RulesCommand.run(config, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertEquals(Files.readString(SHIPPED), out.toString(StandardCharsets.UTF_8),
                SHIPPED + " must be exactly the output of `java -jar target/kore-exporter.jar rules --config FILE` for a"
                        + " config without slo; regenerate it with that command");
        assertEquals(Files.readString(SHIPPED), RuleGenerator.render(Slo.DEFAULTS));
    }

    @Test
    void eachSloGetsItsGroupWithSevenWindowsAndFourBurnRateAlerts() throws IOException {
        List<Slo> slos = ConfigLoader.load(CUSTOM, Map.of()).config().slos();
        JsonNode groups = YAML.readTree(RuleGenerator.render(slos)).path("groups");

        for (String name : List.of("asr-fast", "no-drop-off")) {
            JsonNode group = group(groups, "kore-slo-" + name);
            String metric = name.equals("asr-fast") ? "kore_asr_latency_seconds" : "kore_sessions";
            Set<String> records = new HashSet<>();
            List<String> windows = new ArrayList<>();
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    records.add(rule.path("record").asText());
                } else {
                    JsonNode l = rule.path("labels");
                    windows.add(l.path("long").asText() + "/" + l.path("short").asText() + "/" + l.path("severity").asText()
                            + "/" + rule.path("for").asText());
                    assertEquals(name, l.path("slo").asText());
                    String expr = rule.path("expr").asText();
                    assertTrue(expr.contains("bot:" + metric + ":burnrate" + l.path("long").asText() + "{slo=\"" + name + "\"} > "),
                            expr);
                    assertTrue(expr.contains("bot:" + metric + ":burnrate" + l.path("short").asText() + "{slo=\"" + name + "\"} > "),
                            expr);
                }
            }
            assertEquals(List.of("1h/5m/page/2m", "6h/30m/page/15m", "1d/2h/ticket/1h", "3d/6h/ticket/3h"), windows, name);
            for (String w : List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d")) {
                assertTrue(records.contains("bot:" + metric + ":good_ratio_rate" + w), name + " " + w);
                assertTrue(records.contains("bot:" + metric + ":burnrate" + w), name + " " + w);
            }
        }
        String asr = group(groups, "kore-slo-asr-fast").toString();
        assertTrue(asr.contains("kore_asr_latency_seconds_bucket{le=~\\\"1(\\\\\\\\.0)?\\\"}[1h]"), asr);
        assertTrue(asr.contains(") / 0.01"), "error budget 1 - 0.99: " + asr);
        String containment = group(groups, "kore-slo-no-drop-off").toString();
        assertTrue(containment.contains("kore_sessions_total{containment=~\\\"selfService|agent\\\"}[1d]"), containment);
        // The exporter's own alerts follow the SLO groups whatever the SLOs are.
        assertEquals("kore-exporter-alerts", groups.get(groups.size() - 1).path("name").asText());
    }

    @Test
    void objectivesPrintExactly() {
        assertEquals("95%", RuleGenerator.percent(new BigDecimal("0.95")));
        assertEquals("99.9%", RuleGenerator.percent(new BigDecimal("0.999")));
        String rules = RuleGenerator.render(List.of(new Slo.Latency("x", KoreMeter.BOT_LATENCY, 2.0, new BigDecimal("0.999"))));
        assertTrue(rules.contains(") / 0.001\n"), "1 - 0.999 without floating-point noise");
        assertTrue(rules.contains("vector(0.999)"));
    }

    private static JsonNode group(JsonNode groups, String name) {
        for (JsonNode g : groups) {
            if (g.path("name").asText().equals(name)) {
                return g;
            }
        }
        throw new AssertionError("no group " + name + " in " + groups);
    }
}
