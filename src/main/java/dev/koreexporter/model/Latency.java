package dev.koreexporter.model;

import java.math.BigDecimal;

/**
 * The {@code latency} object of an outgoing voice message. Every part may be absent (null): an absent
 * segment is never observed as zero.
 */
public record Latency(Double totalMs, Asr asr, BotSegment bot, Tts tts) {

    /**
     * The part of {@code totalMs} no segment accounts for (telephony, endpointing, queuing; README "Metrics"):
     * {@code totalMs} minus the {@code asr}, {@code bot} and {@code tts} durations. Null unless all four are
     * present (an invalid value is absent by now), and null when the segments add up to more than the total:
     * overlapping segments say nothing about a gap.
     */
    public Double gapMs() {
        if (totalMs == null || asr == null || asr.durationMs() == null || bot == null || bot.durationMs() == null
                || tts == null || tts.durationMs() == null) {
            return null;
        }
        // In decimal: 0.1 + 0.2 in binary is not 0.3, and a total that the segments cover exactly must give 0, not
        // a tiny negative gap that would go unobserved.
        BigDecimal gap = BigDecimal.valueOf(totalMs).subtract(BigDecimal.valueOf(asr.durationMs()))
                .subtract(BigDecimal.valueOf(bot.durationMs())).subtract(BigDecimal.valueOf(tts.durationMs()));
        return gap.signum() < 0 ? null : gap.doubleValue();
    }

    public record Asr(Double durationMs, String provider, Double confidence) {
    }

    public record BotSegment(Double durationMs) {
    }

    public record Tts(Double durationMs,
                      String provider,
                      Long characters,
                      Double audioMs,
                      Boolean streaming,
                      Double firstByteMs) {
    }
}
