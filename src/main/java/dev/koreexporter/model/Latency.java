package dev.koreexporter.model;

/**
 * The {@code latency} object of an outgoing voice message. Every part may be absent (null): an absent
 * segment is never observed as zero.
 */
public record Latency(Double totalMs, Asr asr, BotSegment bot, Tts tts) {

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
