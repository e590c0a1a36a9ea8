package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader of getMessages / getMessagesV2 / messages-lite bodies: straight from the bytes, binding each
 * message from the token stream ({@link MessageReader}; no tree, no databind), because these pages hold up to
 * 10,000 messages and a tree cost most of the ingest time. Every shape a body can have is read as 0.3.0 read it
 * through a tree and databind, so the counts do not change: a field named twice counts with its last value, a
 * {@code messages} that is not an array fails the page. Malformed JSON anywhere fails the whole page, before
 * anything in it counts.
 */
final class MessagePageReader {
    private static final JsonFactory JSON = WireJson.MAPPER.getFactory();
    private static final Rejection BAD_TYPE = new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE);
    private final JsonParser p;
    private final MessageReader message;
    private final List<Message> records = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private int received;

    private MessagePageReader(JsonParser p, String requestedChannel, boolean includeText) {
        this.p = p;
        this.message = new MessageReader(p, requestedChannel, includeText);
    }

    static WirePage<Message> read(byte[] body, String requestedChannel, boolean includeText)
            throws WireFormatException {
        if (body.length == 0) {
            throw new WireFormatException("empty body", true);
        }
        try (JsonParser p = JSON.createParser(body)) {
            return new MessagePageReader(p, requestedChannel, includeText).page();
        } catch (IOException e) {
            throw WireJson.wireFormat(e);
        }
    }

    private WirePage<Message> page() throws IOException, WireFormatException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new WireFormatException("empty body", true);
        }
        if (t != JsonToken.START_OBJECT) {
            String type = nodeType(t);
            readWhole(t);
            throw new WireFormatException("body is not a JSON object but " + type, false);
        }
        boolean more = false;
        long total = -1;
        String messagesNot = null;
        List<String> invalid = List.of();
        // The whole object is read before the page counts: a body cut short after the array is still noticed.
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            t = p.nextToken();
            switch (name) {
                case "messages" -> {
                    records.clear();
                    rejections.clear();
                    received = 0;
                    messagesNot = t == JsonToken.START_ARRAY || t == JsonToken.VALUE_NULL ? null : nodeType(t);
                    if (t == JsonToken.START_ARRAY) {
                        messages();
                    } else {
                        p.skipChildren();
                    }
                }
                case "moreAvailable" -> {
                    more = t == JsonToken.VALUE_TRUE
                            || (t == JsonToken.VALUE_STRING && "true".equalsIgnoreCase(p.getText()));
                    p.skipChildren();
                }
                case "invalidSessions" -> invalid = strings(t);
                case "total" -> total = total(t);
                default -> p.skipChildren();
            }
        }
        if (messagesNot != null) {
            throw new WireFormatException("'messages' is " + messagesNot + ", not an array", false);
        }
        return new WirePage<>(new Page<>(records, rejections, received, invalid), more, total);
    }

    private void messages() throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            received++;
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                rejections.add(BAD_TYPE);
                continue;
            }
            RecordMapping.Mapped<Message> mapped = message.read();
            if (mapped.value() != null) {
                records.add(mapped.value());
            } else {
                rejections.add(mapped.rejection());
            }
        }
    }

    /**
     * The strings of {@code invalidSessions}: an array's, or an object's values (a tree iterates those; a key
     * named twice keeps its first place and its last value); nothing for any other shape.
     */
    private List<String> strings(JsonToken t) throws IOException {
        List<String> out = new ArrayList<>();
        if (t == JsonToken.START_ARRAY) {
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == JsonToken.VALUE_STRING) {
                    out.add(p.getText());
                }
                p.skipChildren();
            }
        } else if (t == JsonToken.START_OBJECT) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken v = p.nextToken();
                values.put(name, v == JsonToken.VALUE_STRING ? p.getText() : null);
                p.skipChildren();
            }
            values.values().stream().filter(v -> v != null).forEach(out::add);
        } else {
            p.skipChildren();
        }
        return out;
    }

    /** A number as a long, as a tree's {@code asLong()} gives it; -1 for anything else. */
    private long total(JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue().longValue() : p.getLongValue();
            case VALUE_NUMBER_FLOAT -> (long) p.getDoubleValue();
            default -> {
                p.skipChildren();
                yield -1;
            }
        };
    }

    /** Reads a value as a tree would, so that a malformed one fails as it did there. */
    private void readWhole(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            p.getText();
        } else if (t.isNumeric()) {
            p.getNumberValue();
        } else {
            p.skipChildren();
        }
    }

    /** The name of the tree node a value starting with {@code t} would be. */
    private static String nodeType(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> JsonNodeType.OBJECT.name();
            case START_ARRAY -> JsonNodeType.ARRAY.name();
            case VALUE_STRING -> JsonNodeType.STRING.name();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> JsonNodeType.NUMBER.name();
            case VALUE_TRUE, VALUE_FALSE -> JsonNodeType.BOOLEAN.name();
            default -> JsonNodeType.NULL.name();
        };
    }
}
