package dev.koreexporter.metrics;

import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cached data points: same series as before, created only when first observed, shared by equal labels. */
class TurnSeriesTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    private static String render(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void equalLabelsShareASeriesAndAbsentValuesCreateNone() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        KoreMetrics m = new KoreMetrics(registry, Map.of(), "1", Clock.fixed(NOW, ZoneOffset.UTC));
        // Fresh String instances, as the parser hands them over: equal values must still share a series.
        Latency asrWithoutDuration = new Latency(900.0, new Latency.Asr(null, new String("google"), 0.5), null, null);
        for (int i = 0; i < 3; i++) {
            Message turn = new Message("ms-" + i, "s-1", Direction.OUTGOING, new String("korevg"), new String("en"),
                    NOW, asrWithoutDuration, null);
            m.message("billing", turn);
            m.turn("billing", turn, null);
        }
        m.message("billing", new Message("ms-in", "s-1", Direction.INCOMING, "korevg", "en", NOW, null, null));
        m.publish("billing");

        String text = render(registry);
        assertTrue(text.contains("kore_turn_latency_seconds_count{bot=\"billing\",channel=\"korevg\",language=\"en\"} 3"),
                text);
        assertTrue(text.contains("kore_asr_confidence_count{asr_provider=\"google\",bot=\"billing\",channel=\"korevg\"} 3"),
                text);
        assertTrue(text.contains("kore_messages_total{bot=\"billing\",channel=\"korevg\",direction=\"outgoing\"} 3"), text);
        assertTrue(text.contains("kore_messages_total{bot=\"billing\",channel=\"korevg\",direction=\"incoming\"} 1"), text);
        assertFalse(text.contains("kore_asr_latency_seconds_count{"), "no ASR duration was ever observed");
        assertFalse(text.contains("kore_bot_latency_seconds_count{"), "no bot segment was ever observed");
        assertFalse(text.contains("kore_tts_latency_seconds_count{"), "no TTS segment was ever observed");
    }
}
