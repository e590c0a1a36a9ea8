package dev.koreexporter.model;

/**
 * The values of a {@code latency} object a reader may have to drop as invalid (README, "How it reads
 * Kore.ai"): a segment's {@code durationMs} takes the whole segment with it, any other field only itself.
 */
public enum LatencyField {
    TOTAL,
    ASR,
    BOT,
    TTS,
    ASR_CONFIDENCE,
    TTS_FIRST_BYTE,
    TTS_AUDIO_LENGTH,
    TTS_CHARACTERS
}
