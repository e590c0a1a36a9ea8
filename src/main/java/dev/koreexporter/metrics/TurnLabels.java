package dev.koreexporter.metrics;

import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.metrics.catalogue.TurnFeed;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The (already bounded) label values of one voice turn, and the meters a turn feeds: the catalogue's meters
 * with a {@link TurnFeed}, in catalogue order. {@code asrProvider} is null without ASR, the TTS ones null
 * without TTS (the meters that carry them then have no value to observe).
 */
record TurnLabels(String channel, String language, String asrProvider, String ttsProvider, String ttsStreaming) {
    static final List<KoreMeter> METERS = Arrays.stream(KoreMeter.values()).filter(m -> m.turnFeed() != null).toList();
    private static final Map<KoreMeter, String[]> NAMES = new EnumMap<>(KoreMeter.class);

    static {
        METERS.forEach(m -> NAMES.put(m, m.labels().stream().filter(l -> !l.equals("bot")).toArray(String[]::new)));
    }

    /** The values of the meter's labels but {@code bot}, in catalogue order. */
    String[] of(KoreMeter meter) {
        String[] names = NAMES.get(meter);
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = value(names[i]);
        }
        return values;
    }

    private String value(String label) {
        return switch (label) {
            case "channel" -> channel;
            case "language" -> language;
            case "asr_provider" -> asrProvider;
            case "tts_provider" -> ttsProvider;
            case "tts_streaming" -> ttsStreaming;
            default -> throw new IllegalArgumentException("a turn has no label " + label);
        };
    }
}
