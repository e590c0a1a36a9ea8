package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;
import dev.koreexporter.model.Session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Maps one wire record at a time into the model, so a single bad record is rejected with a reason while
 * the rest of its page is kept.
 */
final class RecordMapping {
    /**
     * A session longer than this has an end time that is no measurement (far in the future, or unreadable
     * as epoch milliseconds): Kore.ai closes idle sessions long before.
     */
    static final Duration MAX_SESSION = Duration.ofDays(7);
    private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE).minus(MAX_SESSION);

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

    static Mapped<Session> session(JsonNode node) {
        RejectionReason idProblem = idProblem(node, "sessionId");
        if (idProblem != null) {
            return Mapped.rejected(RecordKind.SESSION, idProblem);
        }
        SessionDto dto = read(node, SessionDto.class);
        if (dto == null) {
            return Mapped.rejected(RecordKind.SESSION, RejectionReason.BAD_TYPE);
        }
        Instant start = dto.startTime() == null ? null : instant(dto.startTime());
        Instant end = dto.endTime() == null ? null : instant(dto.endTime());
        if (start == null || (dto.endTime() != null && end == null)) {
            return Mapped.rejected(RecordKind.SESSION, RejectionReason.BAD_TIME);
        }
        if (dto.noOfMessagesExchanged() != null && dto.noOfMessagesExchanged() < 0) {
            return Mapped.rejected(RecordKind.SESSION, RejectionReason.BAD_VALUE);
        }
        boolean active = "active".equalsIgnoreCase(dto.sessionStatus())
                || (dto.sessionStatus() == null && dto.containmentType() == null && end == null);
        Containment containment = Containment.fromWire(dto.containmentType()).orElse(null);
        List<String> languages = dto.sessionLang() == null ? List.of()
                : dto.sessionLang().stream().filter(l -> l != null).toList();
        return Mapped.ok(new Session(dto.sessionId(), dto.channel(), start, end, active, containment,
                dto.sessionType(), dto.noOfMessagesExchanged(), languages, Boolean.TRUE.equals(dto.isDeveloper()),
                !millis(start) || (end != null && !plausible(start, end))));
    }

    static Mapped<AgentAiConversation> conversation(JsonNode node) {
        RejectionReason idProblem = idProblem(node, "_id");
        if (idProblem != null) {
            return Mapped.rejected(RecordKind.CONVERSATION, idProblem);
        }
        ConversationDto dto = read(node, ConversationDto.class);
        if (dto == null) {
            return Mapped.rejected(RecordKind.CONVERSATION, RejectionReason.BAD_TYPE);
        }
        Instant start = dto.startTime() == null ? null : instant(dto.startTime());
        if (start == null) {
            return Mapped.rejected(RecordKind.CONVERSATION, RejectionReason.BAD_TIME);
        }
        return Mapped.ok(new AgentAiConversation(dto.id(), dto.channelType(), dto.experience(), start));
    }

    /** {@code missing_id} when absent or blank, {@code bad_type} when present but not a string. */
    private static RejectionReason idProblem(JsonNode node, String field) {
        if (!node.isObject()) {
            return RejectionReason.BAD_TYPE;
        }
        JsonNode id = node.get(field);
        if (id == null || id.isNull() || (id.isTextual() && id.asText().isBlank())) {
            return RejectionReason.MISSING_ID;
        }
        return id.isTextual() ? null : RejectionReason.BAD_TYPE;
    }

    private static <T> T read(JsonNode node, Class<T> type) {
        try {
            return WireJson.MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Instant instant(String text) {
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

    /**
     * Whether a session can have lasted from {@code start} to {@code end}. The session is still identified by
     * its id, so it is rejected once by the counter, not at every re-read.
     */
    private static boolean plausible(Instant start, Instant end) {
        return millis(end) && !end.isBefore(start) && !end.isAfter(start.plus(MAX_SESSION));
    }

    /** Whether the time fits the epoch milliseconds that checkpoints and metrics keep, with room to spare. */
    private static boolean millis(Instant t) {
        return t.isAfter(MIN_MILLIS) && t.isBefore(MAX_MILLIS);
    }
}
