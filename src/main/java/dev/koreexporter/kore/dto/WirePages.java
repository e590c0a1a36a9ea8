package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.kore.dto.RecordMapping.Mapped;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;
import dev.koreexporter.model.Session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one reader of each listing's pages, and how its records map into the model. Message pages (up to 10,000
 * records) are read straight from their bytes ({@link MessagePageReader}); sessions and Agent AI conversations, small
 * pages, through a tree and databind, each by its mapping here (a new kind's reader and mapping go here too).
 */
public final class WirePages {
    /** getMessages, getMessagesV2 and messages-lite pages. */
    public static final PageReader<Message> MESSAGES = MessagePageReader::read;
    /** getSessions pages, by time or by id ({@code invalidSessions}: the ids it did not know). */
    public static final PageReader<Session> SESSIONS = (body, channel, includeText) ->
            read(WireJson.parse(body), "sessions", "moreAvailable", "total", WirePages::session);
    /** Agent AI aaconversation pages. */
    public static final PageReader<AgentAiConversation> CONVERSATIONS = (body, channel, includeText) ->
            read(WireJson.parse(body), "results", "hasMore", "totalResults", WirePages::conversation);

    /**
     * A session longer than this has an end time that is no measurement (far in the future, or unreadable
     * as epoch milliseconds): Kore.ai closes idle sessions long before.
     */
    private static final Duration MAX_SESSION = Duration.ofDays(7);
    private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE).minus(MAX_SESSION);

    private WirePages() {
    }

    private static Mapped<Session> session(JsonNode node) {
        RejectionReason idProblem = RecordMapping.idProblem(node, "sessionId");
        if (idProblem != null) {
            return Mapped.rejected(RecordKind.SESSION, idProblem);
        }
        SessionDto dto = RecordMapping.read(node, SessionDto.class);
        if (dto == null) {
            return Mapped.rejected(RecordKind.SESSION, RejectionReason.BAD_TYPE);
        }
        Instant start = dto.startTime() == null ? null : RecordMapping.instant(dto.startTime());
        Instant end = dto.endTime() == null ? null : RecordMapping.instant(dto.endTime());
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

    private static Mapped<AgentAiConversation> conversation(JsonNode node) {
        RejectionReason idProblem = RecordMapping.idProblem(node, "_id");
        if (idProblem != null) {
            return Mapped.rejected(RecordKind.CONVERSATION, idProblem);
        }
        ConversationDto dto = RecordMapping.read(node, ConversationDto.class);
        if (dto == null) {
            return Mapped.rejected(RecordKind.CONVERSATION, RejectionReason.BAD_TYPE);
        }
        Instant start = dto.startTime() == null ? null : RecordMapping.instant(dto.startTime());
        if (start == null) {
            return Mapped.rejected(RecordKind.CONVERSATION, RejectionReason.BAD_TIME);
        }
        return Mapped.ok(new AgentAiConversation(dto.id(), dto.channelType(), dto.experience(), start));
    }

    private static <T> WirePage<T> read(JsonNode root, String arrayField, String moreField, String totalField,
                                        Function<JsonNode, Mapped<T>> mapping)
            throws WireFormatException {
        JsonNode array = root.path(arrayField);
        if (!array.isMissingNode() && !array.isNull() && !array.isArray()) {
            throw new WireFormatException("'" + arrayField + "' is " + array.getNodeType() + ", not an array", false);
        }
        List<T> records = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        for (JsonNode node : array) {
            Mapped<T> mapped = mapping.apply(node);
            if (mapped.value() != null) {
                records.add(mapped.value());
            } else {
                rejections.add(mapped.rejection());
            }
        }
        JsonNode moreNode = root.path(moreField);
        boolean more = moreNode.isBoolean() ? moreNode.booleanValue() : "true".equalsIgnoreCase(moreNode.asText());
        List<String> invalid = new ArrayList<>();
        for (JsonNode id : root.path("invalidSessions")) {
            if (id.isTextual()) {
                invalid.add(id.asText());
            }
        }
        JsonNode total = root.path(totalField);
        return new WirePage<>(new Page<>(records, rejections, array.size(), invalid), more,
                total.isNumber() ? total.asLong() : -1);
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
