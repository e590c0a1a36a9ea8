package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One message of getMessages / getMessagesV2 / messages-lite. Only the fields the exporter needs: user
 * ids, tags and channel identities are deliberately not read. {@code traceId} is Kore.ai's id of an incoming
 * message (requests ask for it with {@code includeTraceId}).
 */
record MessageDto(@JsonProperty("_id") String id,
                  String sessionId,
                  String type,
                  String createdOn,
                  Long timestampValue,
                  String chnl,
                  String lang,
                  List<Channel> channels,
                  List<Component> components,
                  LatencyDto latency,
                  String traceId) {

    record Channel(String type) {
    }

    /** {@code data} stays a tree: its shape differs by component type. */
    record Component(JsonNode data) {
    }

    record LatencyDto(Double totalMs, Asr asr, Bot bot, Tts tts) {
    }

    record Asr(Double durationMs, String provider, Double confidenceScore) {
    }

    record Bot(Double durationMs) {
    }

    record Tts(Double durationMs, String provider, Long utteranceLengthChars, Double audioLengthMs,
               Boolean streamingEnabled, Double firstByteMs) {
    }
}
