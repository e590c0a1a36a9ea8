package dev.koreexporter.kore.dto;

import java.time.Instant;

/**
 * What {@link MessagePageReader} took from one message of getMessages / getMessagesV2 / messages-lite, before
 * {@link RecordMapping} checks it: only the fields the exporter needs (user ids, tags and channel identities are
 * deliberately not read). {@code createdOn} is null when unreadable, {@code channel} already resolved ({@code chnl},
 * else {@code channels[0].type}, else the channel asked for), {@code traceId} is Kore.ai's id of an incoming
 * message (requests ask for it with {@code includeTraceId}), {@code developer} is {@code isD}. Latency values are
 * read leniently ({@link WireValues#number}): a broken one is NaN, dropped later on its own.
 */
record MessageDto(String id,
                  String sessionId,
                  String type,
                  Instant createdOn,
                  String channel,
                  String lang,
                  LatencyDto latency,
                  String text,
                  String traceId,
                  boolean developer) {

    record LatencyDto(Double totalMs, Asr asr, Bot bot, Tts tts) {
    }

    record Asr(Double durationMs, String provider, Double confidenceScore) {
    }

    record Bot(Double durationMs) {
    }

    record Tts(Double durationMs, String provider, Double utteranceLengthChars, Double audioLengthMs,
               Boolean streamingEnabled, Double firstByteMs) {
    }
}
