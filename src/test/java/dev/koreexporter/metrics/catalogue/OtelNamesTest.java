package dev.koreexporter.metrics.catalogue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The names and units the OTLP push uses (README "OTLP metrics"): valid OpenTelemetry instrument names, one per
 * meter, that a backend storing OTLP as Prometheus series (Prometheus' OTLP receiver, Grafana Cloud / Mimir, with
 * the default translation) turns back into the names of {@code /metrics}.
 */
class OtelNamesTest {
    /** OpenTelemetry's instrument name syntax (API specification, "Instrument name syntax"). */
    private static final String INSTRUMENT_NAME = "[A-Za-z][A-Za-z0-9_./-]{0,254}";
    /** The units the catalogue uses, as Prometheus' OTLP translation spells them in names. */
    private static final Map<String, String> UNIT_SUFFIX = Map.of("s", "seconds", "1", "", "", "");

    /**
     * Prometheus' OTLP name translation with suffixes and underscore escaping (otlptranslator's normalizeName,
     * the default of Prometheus' OTLP receiver and of Mimir): split on anything but letters, digits and colons,
     * add the unit's word unless already a token, {@code total} for a monotonic sum, {@code ratio} for a gauge of
     * unit {@code 1}.
     */
    static String prometheusName(String name, String unit, KoreMeter.Type type) {
        List<String> tokens = new ArrayList<>(Arrays.asList(name.split("[^a-zA-Z0-9:]+")));
        String suffix = UNIT_SUFFIX.get(unit);
        if (!suffix.isEmpty() && !tokens.contains(suffix)) {
            tokens.add(suffix);
        }
        if (type == KoreMeter.Type.COUNTER) {
            tokens.remove("total");
            tokens.add("total");
        }
        if (unit.equals("1") && type == KoreMeter.Type.GAUGE) {
            tokens.remove("ratio");
            tokens.add("ratio");
        }
        return String.join("_", tokens);
    }

    @Test
    void theTranslationAsDocumentedByPrometheus() {
        assertEquals("http_server_request_duration_seconds",
                prometheusName("http.server.request.duration", "s", KoreMeter.Type.HISTOGRAM));
        assertEquals("requests_count_total", prometheusName("requests.count", "1", KoreMeter.Type.COUNTER));
        assertEquals("cpu_utilization_ratio", prometheusName("cpu.utilization", "1", KoreMeter.Type.GAUGE));
    }

    @Test
    void everyMeterComesBackUnderItsPrometheusName() {
        for (KoreMeter m : KoreMeter.values()) {
            assertTrue(m.otelName().matches(INSTRUMENT_NAME), m.otelName());
            assertEquals(m.metricName(), prometheusName(m.otelName(), m.otelUnit(), m.type()), m.otelName());
        }
    }

    @Test
    void namesAreUniqueAndFollowTheConventions() {
        Set<String> names = Arrays.stream(KoreMeter.values()).map(KoreMeter::otelName).collect(Collectors.toSet());
        assertEquals(KoreMeter.values().length, names.size());
        assertEquals("kore.turn.latency", KoreMeter.TURN_LATENCY.otelName());
        assertEquals("s", KoreMeter.TURN_LATENCY.otelUnit());
        assertEquals("kore.turn.gap", KoreMeter.TURN_GAP.otelName());
        assertEquals("kore.messages", KoreMeter.MESSAGES.otelName());
        assertEquals("kore.containment", KoreMeter.CONTAINMENT_RATIO.otelName());
        assertEquals("1", KoreMeter.CONTAINMENT_RATIO.otelUnit());
        for (KoreMeter m : KoreMeter.values()) {
            assertTrue(!m.otelName().endsWith(".total") && !m.otelName().endsWith(".seconds"),
                    "no unit or _total in an OpenTelemetry name: " + m.otelName());
        }
    }
}
