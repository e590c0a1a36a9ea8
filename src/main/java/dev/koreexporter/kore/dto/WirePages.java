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

/** Reads a parsed response body ({@link WireJson#parse}) into a page of model records. */
public final class WirePages {
    private WirePages() {
    }

    /**
     * @param requestedChannel the channelType asked for, used when a message names no channel itself
     * @param includeText      copy {@code components[0].data.text} into {@link Message#text()}
     */
    public static WirePage<Message> messages(JsonNode root, String requestedChannel, boolean includeText)
            throws WireFormatException {
        return read(root, "messages", "moreAvailable",
                node -> RecordMapping.message(node, requestedChannel, includeText));
    }

    /**
     * The same page as {@code messages(WireJson.parse(body), ...)}, read straight from the bytes (the
     * getMessagesV2 pages are the big ones), with the same {@link WireFormatException}s.
     */
    public static WirePage<Message> messages(byte[] body, String requestedChannel, boolean includeText)
            throws WireFormatException {
        return MessagePageReader.read(body, requestedChannel, includeText);
    }

    public static WirePage<Session> sessions(JsonNode root) throws WireFormatException {
        return read(root, "sessions", "moreAvailable", RecordMapping::session);
    }

    public static WirePage<AgentAiConversation> conversations(JsonNode root) throws WireFormatException {
        return read(root, "results", "hasMore", RecordMapping::conversation);
    }

    private static <T> WirePage<T> read(JsonNode root, String arrayField, String moreField,
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
        return new WirePage<>(new Page<>(records, rejections, array.size()), more, invalid);
    }
}
