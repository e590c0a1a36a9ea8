package dev.koreexporter.ingest;

import dev.koreexporter.metrics.Buckets;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.testing.MetricsText;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Histogram series computed straight from the simulator's ground truth with CONTRACT §4's label rules
 * (missing value = unknown), to compare with what the exporter exported.
 */
public final class ExpectedMetrics {
    /** One observation: its labels and value, or null when the turn has nothing to observe. */
    public record Observation(Map<String, String> labels, double value) {
    }

    private ExpectedMetrics() {
    }

    static String orUnknown(String v) {
        return v == null || v.isBlank() ? "unknown" : v;
    }

    static Map<String, String> labels(String... pairs) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** Every _bucket, _count and _sum series of {@code name} for the given observations. */
    public static Map<String, Double> histogram(String name, List<Observation> observations) {
        List<Double> bounds = Buckets.DEFAULTS.get(name);
        Map<String, Double> out = new TreeMap<>();
        for (Observation o : observations) {
            for (Double le : bounds) {
                Map<String, String> b = new TreeMap<>(o.labels());
                b.put("le", le.toString());
                out.merge(MetricsText.key(name + "_bucket", b), o.value() <= le ? 1.0 : 0.0, Double::sum);
            }
            Map<String, String> inf = new TreeMap<>(o.labels());
            inf.put("le", "+Inf");
            out.merge(MetricsText.key(name + "_bucket", inf), 1.0, Double::sum);
            out.merge(MetricsText.key(name + "_count", o.labels()), 1.0, Double::sum);
            out.merge(MetricsText.key(name + "_sum", o.labels()), o.value(), Double::sum);
        }
        return out;
    }

    /** The observations CONTRACT §4 and §8.9 derive from each turn, by histogram name. */
    public static Map<String, Function<Message, Observation>> turnHistograms(String bot) {
        Map<String, Function<Message, Observation>> h = new LinkedHashMap<>();
        h.put("kore_turn_latency_seconds", m -> ms(m.latency().totalMs(),
                labels("bot", bot, "channel", m.channel(), "language", orUnknown(m.language()))));
        h.put("kore_asr_latency_seconds", m -> m.latency().asr() == null ? null : ms(m.latency().asr().durationMs(),
                labels("bot", bot, "channel", m.channel(), "language", orUnknown(m.language()),
                        "asr_provider", orUnknown(m.latency().asr().provider()))));
        h.put("kore_bot_latency_seconds", m -> m.latency().bot() == null ? null : ms(m.latency().bot().durationMs(),
                labels("bot", bot, "channel", m.channel(), "language", orUnknown(m.language()))));
        h.put("kore_tts_latency_seconds", m -> {
            Latency.Tts t = m.latency().tts();
            return t == null ? null : ms(t.durationMs(), labels("bot", bot, "channel", m.channel(),
                    "language", orUnknown(m.language()), "tts_provider", orUnknown(t.provider()),
                    "tts_streaming", t.streaming() == null ? "unknown" : t.streaming().toString()));
        });
        h.put("kore_tts_first_byte_seconds", m -> {
            Latency.Tts t = m.latency().tts();
            return t == null ? null : ms(t.firstByteMs(), labels("bot", bot, "channel", m.channel(),
                    "language", orUnknown(m.language()), "tts_provider", orUnknown(t.provider())));
        });
        h.put("kore_turn_gap_seconds", m -> {
            Latency l = m.latency();
            if (l.totalMs() == null || l.asr() == null || l.bot() == null || l.tts() == null) {
                return null;
            }
            double gap = l.totalMs() - l.asr().durationMs() - l.bot().durationMs() - l.tts().durationMs();
            return gap < 0 ? null : ms(gap, labels("bot", bot, "channel", m.channel(), "language",
                    orUnknown(m.language())));
        });
        h.put("kore_asr_confidence", m -> {
            Latency.Asr a = m.latency().asr();
            return a == null || a.confidence() == null ? null : new Observation(labels("bot", bot,
                    "channel", m.channel(), "asr_provider", orUnknown(a.provider())), a.confidence());
        });
        h.put("kore_tts_audio_seconds", m -> {
            Latency.Tts t = m.latency().tts();
            return t == null ? null : ms(t.audioMs(), labels("bot", bot, "channel", m.channel(),
                    "tts_provider", orUnknown(t.provider())));
        });
        return h;
    }

    private static Observation ms(Double ms, Map<String, String> labels) {
        return ms == null ? null : new Observation(labels, ms / 1000.0);
    }
}
