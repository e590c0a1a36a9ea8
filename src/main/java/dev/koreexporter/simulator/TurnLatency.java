package dev.koreexporter.simulator;

import dev.koreexporter.model.Latency;

/**
 * The latency of one bot turn in primitives, because the simulator keeps hundreds of thousands of them.
 * Absent values are -1 (streaming: -1 absent, 0 false, 1 true). total = asr + bot + tts + gap, the gap zero,
 * positive or (overlapping segments) negative: see {@code SessionGenerator#gapMs}.
 */
record TurnLatency(int totalMs, int asrMs, byte asrProvider, short confidencePermille, int botMs,
                   int ttsMs, byte ttsProvider, short chars, int audioMs, byte streaming, int firstByteMs) {

    static final String[] ASR_PROVIDERS = {"google", "azure", "deepgram", "kore"};
    static final String[] TTS_PROVIDERS = {"azure", "elevenlabs", "google", "polly"};

    boolean hasAsr() {
        return asrMs >= 0;
    }

    boolean hasTts() {
        return ttsMs >= 0;
    }

    String asrProviderName() {
        return ASR_PROVIDERS[asrProvider];
    }

    String ttsProviderName() {
        return TTS_PROVIDERS[ttsProvider];
    }

    double confidence() {
        return confidencePermille / 1000.0;
    }

    Boolean streamingEnabled() {
        return streaming < 0 ? null : streaming == 1;
    }

    Latency toModel() {
        Latency.Asr asr = hasAsr() ? new Latency.Asr((double) asrMs, asrProviderName(), confidence()) : null;
        Latency.Tts tts = hasTts()
                ? new Latency.Tts((double) ttsMs, ttsProviderName(), (long) chars, (double) audioMs,
                streamingEnabled(), firstByteMs >= 0 ? (double) firstByteMs : null)
                : null;
        return new Latency((double) totalMs, asr, new Latency.BotSegment((double) botMs), tts);
    }
}
