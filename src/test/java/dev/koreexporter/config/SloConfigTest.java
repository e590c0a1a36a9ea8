package dev.koreexporter.config;

import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.model.Containment;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code slo} list: decoded values, the defaults, and bucket bounds as the only thresholds. */
class SloConfigTest {
    private static final String BOT = """
            bots:
              - name: billing-voice
                id: st-1
                client-id: cs-1
                client-secret: s3cret-inline
            """;

    @Test
    void customSlosAreDecodedAsWritten() {
        ExporterConfig c = ConfigLoader.load(Path.of("src/test/resources/slo/custom-slo.yml"), Map.of()).config();
        assertEquals(List.of(
                new Slo.Latency("asr-fast", KoreMeter.ASR_LATENCY, 1.0, new BigDecimal("0.99")),
                new Slo.ContainmentShare("no-drop-off", Set.of(Containment.AGENT, Containment.SELF_SERVICE),
                        new BigDecimal("0.95"))), c.slos());
    }

    @Test
    void withoutSloTheDefaultsApply() {
        ConfigLoader.Loaded loaded = ConfigLoader.loadYaml(BOT, "test", Map.of());
        assertEquals(Slo.DEFAULTS, loaded.config().slos());
        assertEquals(List.of(), loaded.warnings());
        assertEquals(List.of("turn-latency", "tts-first-byte"), Slo.DEFAULTS.stream().map(Slo::name).toList());
    }

    @Test
    void bucketsWithoutADefaultThresholdAreAWarningWhenTheDefaultsApply() {
        ConfigLoader.Loaded loaded = ConfigLoader.loadYaml("""
                metrics:
                  buckets:
                    kore_turn_latency_seconds: [1, 2, 3]
                """ + BOT, "test", Map.of());
        assertEquals(List.of("metrics.buckets.kore_turn_latency_seconds: has no bound 1.5, the threshold of the default"
                + " SLO turn-latency, so its alerts cannot fire; add the bound or configure slo (README \"Your own SLOs\")"),
                loaded.warnings());
    }

    @Test
    void aThresholdMayBeAnyConfiguredBoundAndComeFromTheEnvironment() {
        ConfigLoader.Loaded loaded = ConfigLoader.loadYaml("""
                metrics:
                  buckets:
                    kore_bot_latency_seconds: [0.5, 1.75, 4]
                slo:
                  - name: bot
                    metric: kore_bot_latency_seconds
                    threshold: 4
                    objective: 0.9
                """ + BOT, "test", Map.of("SLO_0_THRESHOLD", "1.75", "SLO_0_OBJECTIVE", "0.995"));
        assertEquals(List.of(new Slo.Latency("bot", KoreMeter.BOT_LATENCY, 1.75, new BigDecimal("0.995"))),
                loaded.config().slos());
    }

    @Test
    void anEnvironmentValueThatIsNotABoundNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml("""
                slo:
                  - name: turn
                    metric: kore_turn_latency_seconds
                    threshold: 1.5
                    objective: 0.9
                """ + BOT, "test", Map.of("SLO_0_THRESHOLD", "1.6")));
        assertTrue(e.problems().getFirst().startsWith("slo[0].threshold: must be one of the bucket bounds"), e.getMessage());
        assertTrue(e.problems().getFirst().endsWith("got \"1.6\" (from env var SLO_0_THRESHOLD)"), e.getMessage());
    }
}
