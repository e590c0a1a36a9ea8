package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.List;

/**
 * One message of getMessages / getMessagesV2 / messages-lite. Only the fields the exporter needs: user
 * ids, tags and channel identities are deliberately not read. {@code traceId} is Kore.ai's id of an incoming
 * message (requests ask for it with {@code includeTraceId}). {@code developer} is {@code isD}. Latency values
 * are read leniently ({@link WireValues#number}): a broken one is NaN, dropped later on its own.
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
                  String traceId,
                  @JsonProperty("isD") @JsonDeserialize(using = WireValues.Flag.class) Boolean developer) {

    record Channel(String type) {
    }

    /** {@code data} stays a tree: its shape differs by component type. */
    record Component(JsonNode data) {
    }

    record LatencyDto(@JsonDeserialize(using = WireValues.Number.class) Double totalMs, Asr asr, Bot bot, Tts tts) {
    }

    record Asr(@JsonDeserialize(using = WireValues.Number.class) Double durationMs, String provider,
               @JsonDeserialize(using = WireValues.Number.class) Double confidenceScore) {
    }

    record Bot(@JsonDeserialize(using = WireValues.Number.class) Double durationMs) {
    }

    record Tts(@JsonDeserialize(using = WireValues.Number.class) Double durationMs, String provider,
               @JsonDeserialize(using = WireValues.Number.class) Double utteranceLengthChars,
               @JsonDeserialize(using = WireValues.Number.class) Double audioLengthMs,
               Boolean streamingEnabled,
               @JsonDeserialize(using = WireValues.Number.class) Double firstByteMs) {
    }
}
