package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;

import java.time.Instant;

/**
 * What mapping one wire record at a time into the model shares, so a single bad record is rejected with a reason
 * while the rest of its page is kept: the result ({@link Mapped}), the id and time checks, and the checks of a
 * message that {@link MessagePageReader} read. Each other kind's mapping sits next to its page reader in
 * {@link WirePages}.
 */
final class RecordMapping {
    private RecordMapping() {
    }

    /** Either a record or the reason it was rejected. */
    record Mapped<T>(T value, Rejection rejection) {
        static <T> Mapped<T> ok(T value) {
            return new Mapped<>(value, null);
        }

        static <T> Mapped<T> rejected(RecordKind kind, RejectionReason reason) {
            return new Mapped<>(null, new Rejection(kind, reason));
        }
    }

    /**
     * The checks of a message after {@link MessagePageReader} read it: its id is a non-blank string and every
     * field bound; a time is required and the direction must be one Kore.ai documents. An invalid latency value
     * drops only itself ({@link LatencyValues}).
     */
    static Mapped<Message> message(MessageDto dto) {
        if (dto.createdOn() == null) {
            return Mapped.rejected(RecordKind.MESSAGE, RejectionReason.BAD_TIME);
        }
        Direction direction = "incoming".equalsIgnoreCase(dto.type()) ? Direction.INCOMING
                : "outgoing".equalsIgnoreCase(dto.type()) ? Direction.OUTGOING : null;
        if (direction == null) {
            return Mapped.rejected(RecordKind.MESSAGE, RejectionReason.BAD_VALUE);
        }
        LatencyValues.Checked latency = LatencyValues.check(dto.latency());
        return Mapped.ok(new Message(dto.id(), dto.sessionId(), direction, dto.channel(), dto.lang(),
                dto.createdOn(), latency.latency(), dto.text(), blankToNull(dto.traceId()), dto.developer(),
                latency.dropped()));
    }

    /** {@code missing_id} when absent or blank, {@code bad_type} when present but not a string. */
    static RejectionReason idProblem(JsonNode node, String field) {
        if (!node.isObject()) {
            return RejectionReason.BAD_TYPE;
        }
        JsonNode id = node.get(field);
        if (id == null || id.isNull() || (id.isTextual() && id.asText().isBlank())) {
            return RejectionReason.MISSING_ID;
        }
        return id.isTextual() ? null : RejectionReason.BAD_TYPE;
    }

    /** The node bound to {@code type}, or null when it does not fit. */
    static <T> T read(JsonNode node, Class<T> type) {
        try {
            return WireJson.MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    static Instant instant(String text) {
        return WireTime.parse(text);
    }

    /** {@code chnl}, else the first entry of {@code channels}, else the channelType asked for. */
    static String channel(String chnl, String firstChannelType, String requestedChannel) {
        if (chnl != null && !chnl.isBlank()) {
            return chnl;
        }
        return firstChannelType != null ? firstChannelType : requestedChannel;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
