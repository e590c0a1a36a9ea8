package dev.koreexporter.metrics;

import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.testing.MetricsText;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * kore_turn_gap_seconds (README "Metrics"): totalMs minus the three segments, observed only when all four are
 * present and the segments do not add up to more than the total; exemplars like the other latency histograms.
 */
class TurnGapTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    private static Latency latency(Double total, Double asr, Double bot, Double tts) {
        return new Latency(total, asr == null ? null : new Latency.Asr(asr, "google", 0.9),
                bot == null ? null : new Latency.BotSegment(bot),
                tts == null ? null : new Latency.Tts(tts, "azure", 10L, 800.0, true, null));
    }

    @Test
    void theGapIsTheTotalMinusTheSegmentsWhenAllFourArePresentAndItIsNotNegative() {
        assertEquals(140.0, latency(1234.0, 300.0, 550.0, 244.0).gapMs());
        assertEquals(0.0, latency(1234.0, 310.0, 680.0, 244.0).gapMs(), "segments covering the total exactly");
        assertEquals(0.0, latency(0.6, 0.1, 0.2, 0.3).gapMs(), "0.1 + 0.2 + 0.3 covers 0.6 exactly, in decimal");
        assertEquals(0.1, latency(0.7, 0.1, 0.2, 0.3).gapMs());
        assertNull(latency(1000.0, 300.0, 600.0, 244.0).gapMs(), "overlapping segments");
        assertNull(latency(1000.0, null, 600.0, 244.0).gapMs(), "no ASR segment");
        assertNull(latency(1000.0, 300.0, null, 244.0).gapMs(), "no bot segment");
        assertNull(latency(1000.0, 300.0, 600.0, null).gapMs(), "no TTS segment");
        assertNull(latency(null, 300.0, 600.0, 44.0).gapMs(), "no (valid) total");
        assertNull(new Latency(1000.0, new Latency.Asr(null, "google", 0.9), new Latency.BotSegment(600.0),
                new Latency.Tts(44.0, "azure", 1L, 1.0, null, null)).gapMs(), "an ASR segment without its duration");
    }

    @Test
    void observedInSecondsPerBotChannelAndLanguageWithTheTurnsExemplar() {
        PrometheusRegistry registry = new PrometheusRegistry();
        KoreMetrics m = new KoreMetrics(registry, Map.of(), "1", Clock.fixed(NOW, ZoneOffset.UTC));
        Latency[] turns = {latency(1234.0, 300.0, 550.0, 244.0), latency(1094.0, 300.0, 550.0, 244.0),
                latency(1000.0, 300.0, 600.0, 244.0), latency(1000.0, null, 600.0, 244.0)};
        for (int i = 0; i < turns.length; i++) {
            m.turn("billing", new Message("ms-" + i, "s-1", Direction.OUTGOING, "korevg", "de", NOW, turns[i], null),
                    new TurnExemplar("0af7651916cd43dd8448eb211c80319c", "b7ad6b716920333" + i));
        }
        m.publish("billing");
        MetricsText text = MetricsText.of(registry);
        String[] series = {"bot", "billing", "channel", "korevg", "language", "de"};
        assertEquals(2, text.value("kore_turn_gap_seconds_count", series), "the gap of 140 ms and the one of 0 ms");
        assertEquals(0.14, text.value("kore_turn_gap_seconds_sum", series), 1e-12);
        assertEquals(1, text.value("kore_turn_gap_seconds_bucket", "bot", "billing", "channel", "korevg", "language",
                "de", "le", "0.1"));
        assertEquals(2, text.value("kore_turn_gap_seconds_bucket", "bot", "billing", "channel", "korevg", "language",
                "de", "le", "0.25"));
        assertEquals(4, text.value("kore_turn_latency_seconds_count", series), "every turn has a total");
        assertEquals(List.of("0.0", "0.14"), exemplarValues(registry));
    }

    /** The exemplars of kore_turn_gap_seconds, by value, as the store's snapshot shows them. */
    private static List<String> exemplarValues(PrometheusRegistry registry) {
        List<String> values = new ArrayList<>();
        for (MetricSnapshot s : registry.scrape()) {
            if (s.getMetadata().getName().equals("kore_turn_gap_seconds")) {
                for (DataPointSnapshot p : s.getDataPoints()) {
                    ((HistogramSnapshot.HistogramDataPointSnapshot) p).getExemplars()
                            .forEach(e -> values.add(String.valueOf(e.getValue())));
                }
            }
        }
        return values.stream().sorted().toList();
    }
}
