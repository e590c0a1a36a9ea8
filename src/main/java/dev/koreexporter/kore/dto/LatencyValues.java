package dev.koreexporter.kore.dto;

import dev.koreexporter.model.Latency;
import dev.koreexporter.model.LatencyField;

import java.util.EnumSet;
import java.util.Set;

/**
 * Checks a latency object value by value (README, "How it reads Kore.ai"): one implausible value must not
 * cost the message its count or its other, valid values. A segment whose {@code durationMs} is invalid is
 * dropped whole (its provider, confidence, characters... describe a measurement that went wrong); any other
 * invalid value drops only itself.
 */
final class LatencyValues {
    /** A latency value longer than this is a broken measurement, not a slow turn. */
    static final double MAX_LATENCY_MS = 10 * 60 * 1000;
    /** Characters are counted exactly in a double up to here; anything larger is no utterance. */
    private static final double MAX_CHARACTERS = 1L << 53;

    /** The valid part of the latency and what was dropped from it. */
    record Checked(Latency latency, Set<LatencyField> dropped) {
    }

    private LatencyValues() {
    }

    static Checked check(MessageDto.LatencyDto l) {
        if (l == null) {
            return new Checked(null, Set.of());
        }
        EnumSet<LatencyField> dropped = EnumSet.noneOf(LatencyField.class);
        Double total = duration(l.totalMs(), LatencyField.TOTAL, dropped);
        Latency.Asr asr = null;
        if (l.asr() != null && valid(l.asr().durationMs(), LatencyField.ASR, dropped)) {
            asr = new Latency.Asr(l.asr().durationMs(), l.asr().provider(),
                    ratio(l.asr().confidenceScore(), LatencyField.ASR_CONFIDENCE, dropped));
        }
        Latency.BotSegment bot = null;
        if (l.bot() != null && valid(l.bot().durationMs(), LatencyField.BOT, dropped)) {
            bot = new Latency.BotSegment(l.bot().durationMs());
        }
        Latency.Tts tts = null;
        MessageDto.Tts t = l.tts();
        if (t != null && valid(t.durationMs(), LatencyField.TTS, dropped)) {
            Double chars = nonNegative(t.utteranceLengthChars(), MAX_CHARACTERS, LatencyField.TTS_CHARACTERS, dropped);
            tts = new Latency.Tts(t.durationMs(), t.provider(), chars == null ? null : (long) chars.doubleValue(),
                    nonNegative(t.audioLengthMs(), Double.MAX_VALUE, LatencyField.TTS_AUDIO_LENGTH, dropped),
                    t.streamingEnabled(), duration(t.firstByteMs(), LatencyField.TTS_FIRST_BYTE, dropped));
        }
        return new Checked(new Latency(total, asr, bot, tts), dropped.isEmpty() ? Set.of() : dropped);
    }

    /** Whether a segment's duration is absent or valid; an invalid one is recorded as dropped. */
    private static boolean valid(Double ms, LatencyField field, Set<LatencyField> dropped) {
        return duration(ms, field, dropped) != null || ms == null;
    }

    /** The value if absent or within 0..10 min, else null (recorded as dropped). NaN fails every comparison. */
    private static Double duration(Double ms, LatencyField field, Set<LatencyField> dropped) {
        return nonNegative(ms, MAX_LATENCY_MS, field, dropped);
    }

    private static Double ratio(Double v, LatencyField field, Set<LatencyField> dropped) {
        return nonNegative(v, 1, field, dropped);
    }

    private static Double nonNegative(Double v, double max, LatencyField field, Set<LatencyField> dropped) {
        if (v == null || (v >= 0 && v <= max)) {
            return v;
        }
        dropped.add(field);
        return null;
    }
}
