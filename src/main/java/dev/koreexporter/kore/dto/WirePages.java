package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one reader of each listing's pages. Message pages (up to 10,000 records) are read straight from their
 * bytes ({@link MessagePageReader}); sessions and Agent AI conversations, small pages, through a tree and
 * databind ({@link RecordMapping}).
 */
public final class WirePages {
    /** getMessages, getMessagesV2 and messages-lite pages. */
    public static final PageReader<Message> MESSAGES = MessagePageReader::read;
    /** getSessions pages, by time or by id ({@code invalidSessions}: the ids it did not know). */
    public static final PageReader<Session> SESSIONS = (body, channel, includeText) ->
            read(WireJson.parse(body), "sessions", "moreAvailable", "total", RecordMapping::session);
    /** Agent AI aaconversation pages. */
    public static final PageReader<AgentAiConversation> CONVERSATIONS = (body, channel, includeText) ->
            read(WireJson.parse(body), "results", "hasMore", "totalResults", RecordMapping::conversation);

    private WirePages() {
    }

    private static <T> WirePage<T> read(JsonNode root, String arrayField, String moreField, String totalField,
                                        Function<JsonNode, RecordMapping.Mapped<T>> mapping)
            throws WireFormatException {
        JsonNode array = root.path(arrayField);
        if (!array.isMissingNode() && !array.isNull() && !array.isArray()) {
            throw new WireFormatException("'" + arrayField + "' is " + array.getNodeType() + ", not an array", false);
        }
        List<T> records = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        for (JsonNode node : array) {
            RecordMapping.Mapped<T> mapped = mapping.apply(node);
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
}
