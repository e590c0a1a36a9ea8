package dev.koreexporter.metrics;

import java.util.List;
import java.util.Map;

/**
 * Default histogram bucket bounds, chosen for voice SLOs: the bounds are the thresholds alerts and
 * dashboards test against (total turn latency 1.5 s and 2 s, TTS first byte 0.3 s), so "share of turns
 * under the SLO" is an exact bucket ratio, never an interpolation.
 */
public final class Buckets {
    public static final Map<String, List<Double>> DEFAULTS = Map.ofEntries(
            Map.entry("kore_turn_latency_seconds", List.of(0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0)),
            Map.entry("kore_asr_latency_seconds", List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)),
            Map.entry("kore_bot_latency_seconds", List.of(0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)),
            Map.entry("kore_tts_latency_seconds", List.of(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)),
            Map.entry("kore_tts_first_byte_seconds", List.of(0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.0)),
            Map.entry("kore_asr_confidence", List.of(0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)),
            Map.entry("kore_tts_audio_seconds", List.of(0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0)),
            Map.entry("kore_session_duration_seconds", List.of(10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0)),
            Map.entry("kore_session_messages", List.of(1.0, 2.0, 4.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0)),
            Map.entry("kore_exporter_api_request_duration_seconds", List.of(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)));

    private Buckets() {
    }

    static double[] bounds(String metric, Map<String, List<Double>> overrides) {
        List<Double> bounds = overrides.getOrDefault(metric, DEFAULTS.get(metric));
        return bounds.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
