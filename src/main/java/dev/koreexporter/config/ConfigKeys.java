package dev.koreexporter.config;

import java.util.List;
import java.util.stream.Stream;

/** The names the config file knows: scalar key paths ({@code []} marks a list index) and histogram names. */
final class ConfigKeys {
    /** Histograms of CONTRACT §4 whose buckets {@code metrics.buckets} may set. */
    static final List<String> HISTOGRAMS = List.of(
            "kore_turn_latency_seconds", "kore_asr_latency_seconds", "kore_bot_latency_seconds",
            "kore_tts_latency_seconds", "kore_tts_first_byte_seconds", "kore_asr_confidence",
            "kore_tts_audio_seconds", "kore_session_duration_seconds", "kore_session_messages",
            "kore_exporter_api_request_duration_seconds");

    /** Histograms observing a ratio (0..1): bucket bounds above 1 are pointless there. */
    static final List<String> RATIO_HISTOGRAMS = List.of("kore_asr_confidence");

    /**
     * Every scalar key an environment variable may set. The map entries of
     * {@code server.basic-auth.users} are missing on purpose: their keys are user names, which an
     * upper-case variable name cannot spell back.
     */
    static final List<String> SCALARS = Stream.concat(Stream.of(
                    "server.port", "server.host", "server.tls.cert-file", "server.tls.key-file",
                    "kore.base-url", "kore.timeout", "kore.rate-limit.per-minute", "kore.rate-limit.per-hour",
                    "kore.ca-bundle", "kore.max-response-size",
                    "poll.interval", "poll.lookback", "poll.backfill",
                    "state.dir",
                    "metrics.containment-window",
                    "tracing.include-text",
                    "bots[].name", "bots[].id", "bots[].client-id", "bots[].client-secret",
                    "bots[].client-secret-file", "bots[].account-id", "bots[].channels[]"),
            HISTOGRAMS.stream().map(h -> "metrics.buckets." + h + "[]")).toList();

    private ConfigKeys() {
    }
}
