package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.kore.dto.MessageTokens.Unusual;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a getMessages / getMessagesV2 / messages-lite body straight from its bytes, binding each message
 * from the token stream (no tree, no databind), because these pages hold up to 10,000 messages and the
 * tree path spent most of the ingest time building and re-reading trees.
 *
 * <p>It gives exactly what {@code WirePages.messages(WireJson.parse(body), ...)} gives. It handles the
 * shapes Kore.ai sends (strings where strings are documented, numbers where numbers are, objects, nulls,
 * unknown fields at any depth). Anything else is left to the tree path, so Jackson's coercion rules keep
 * deciding those cases: a message with an unexpected token is re-read from its own bytes into a tree
 * and mapped by {@link RecordMapping}; an unusual body (not an object, {@code messages} twice or not an
 * array, {@code invalidSessions} an object) is re-read whole by the tree path.
 */
final class MessagePageReader {
    private static final JsonFactory JSON = WireJson.MAPPER.getFactory();
    private static final Rejection BAD_TYPE = new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE);
    private static final Rejection MISSING_ID = new Rejection(RecordKind.MESSAGE, RejectionReason.MISSING_ID);
    /** Compared by identity: a string value left undecoded. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String NOT_READ = new String("not read");

    private final byte[] body;
    private final JsonParser p;
    private final String requestedChannel;
    private final boolean includeText;
    private final MessageTokens tokens;
    private final List<Message> records = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private int received;

    private MessagePageReader(byte[] body, JsonParser p, String requestedChannel, boolean includeText) {
        this.body = body;
        this.p = p;
        this.requestedChannel = requestedChannel;
        this.includeText = includeText;
        this.tokens = new MessageTokens(p);
    }

    static WirePage<Message> read(byte[] body, String requestedChannel, boolean includeText)
            throws WireFormatException {
        if (body.length == 0) {
            throw new WireFormatException("empty body", true);
        }
        try (JsonParser p = JSON.createParser(body)) {
            return new MessagePageReader(body, p, requestedChannel, includeText).page();
        } catch (Unusual e) {
            return WirePages.messages(WireJson.parse(body), requestedChannel, includeText);
        } catch (IOException e) {
            throw WireJson.wireFormat(e);
        }
    }

    private WirePage<Message> page() throws IOException, Unusual, WireFormatException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new WireFormatException("empty body", true);
        }
        if (t != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        boolean more = false;
        boolean sawMessages = false;
        List<String> invalid = new ArrayList<>();
        // The whole object is read, as the tree path did: a body cut short after the array is still noticed.
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            t = p.nextToken();
            switch (name) {
                case "messages" -> {
                    if (sawMessages || (t != JsonToken.START_ARRAY && t != JsonToken.VALUE_NULL)) {
                        throw Unusual.INSTANCE;
                    }
                    sawMessages = true;
                    if (t == JsonToken.START_ARRAY) {
                        messages();
                    }
                }
                case "moreAvailable" -> {
                    more = t == JsonToken.VALUE_TRUE
                            || (t == JsonToken.VALUE_STRING && "true".equalsIgnoreCase(p.getText()));
                    p.skipChildren();
                }
                case "invalidSessions" -> {
                    if (t == JsonToken.START_OBJECT) {
                        throw Unusual.INSTANCE;
                    }
                    invalid.clear();
                    if (t == JsonToken.START_ARRAY) {
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (t == JsonToken.VALUE_STRING) {
                                invalid.add(p.getText());
                            }
                            p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new WirePage<>(new Page<>(records, rejections, received), more, invalid);
    }

    private void messages() throws IOException {
        JsonStreamContext array = p.getParsingContext();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            received++;
            if (t != JsonToken.START_OBJECT) {
                rejections.add(BAD_TYPE);
                p.skipChildren();
                continue;
            }
            long start = p.currentTokenLocation().getByteOffset();
            RecordMapping.Mapped<Message> mapped;
            try {
                mapped = message();
            } catch (Unusual e) {
                // Finish this message's tokens (still checking the JSON), then map it from its own bytes.
                while (!(p.currentToken() == JsonToken.END_OBJECT && p.getParsingContext() == array)) {
                    p.nextToken();
                }
                int end = (int) p.currentTokenLocation().getByteOffset() + 1;
                JsonNode node = WireJson.MAPPER.readTree(body, (int) start, end - (int) start);
                mapped = RecordMapping.message(node, requestedChannel, includeText);
            }
            if (mapped.value() != null) {
                records.add(mapped.value());
            } else {
                rejections.add(mapped.rejection());
            }
        }
    }

    /** One message object, from after its START_OBJECT to its END_OBJECT. Later duplicate fields win. */
    private RecordMapping.Mapped<Message> message() throws IOException, Unusual {
        String id = null;
        String sessionId = null;
        String type = null;
        boolean hasCreatedOn = false;
        Instant createdOn = null;
        Long timestampValue = null;
        String chnl = null;
        String lang = null;
        String firstChannel = null;
        String text = null;
        String traceId = null;
        MessageDto.LatencyDto latency = null;
        boolean developer = false;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "_id" -> id = tokens.string(t);
                case "sessionId" -> sessionId = tokens.string(t);
                case "type" -> type = tokens.small(t);
                case "createdOn" -> {
                    hasCreatedOn = t == JsonToken.VALUE_STRING;
                    createdOn = hasCreatedOn
                            ? WireTime.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())
                            : MessageTokens.nullValue(t);
                }
                case "timestampValue" -> timestampValue = tokens.longValue(t);
                case "chnl" -> chnl = tokens.small(t);
                case "lang" -> lang = tokens.small(t);
                case "channels" -> firstChannel = channels(t, chnl == null || chnl.isBlank());
                case "components" -> text = components(t);
                case "latency" -> latency = tokens.latency(t);
                case "traceId" -> traceId = tokens.string(t);
                case "isD" -> developer = WireValues.flag(p, t);
                default -> p.skipChildren();
            }
        }
        if (firstChannel == NOT_READ) {
            if (chnl == null || chnl.isBlank()) {
                // A later "chnl" undid the one that made channels[0].type moot.
                throw Unusual.INSTANCE;
            }
            firstChannel = null;
        }
        if (id == null || id.isBlank()) {
            return new RecordMapping.Mapped<>(null, MISSING_ID);
        }
        if (!hasCreatedOn && timestampValue != null) {
            createdOn = Instant.ofEpochMilli(timestampValue);
        }
        MessageDto dto = new MessageDto(id, sessionId, type, null, timestampValue, chnl, lang, null, null, latency,
                traceId, developer);
        return RecordMapping.message(dto, createdOn, RecordMapping.channel(chnl, firstChannel, requestedChannel),
                text);
    }

    /**
     * {@code channels[0].type}, or {@link #NOT_READ} for a string not decoded because {@code chnl} already
     * named the channel. Every entry must still be an object or null, as databind demands.
     */
    private String channels(JsonToken t, boolean needType) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw Unusual.INSTANCE;
        }
        String first = null;
        boolean isFirst = true;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.START_OBJECT) {
                String type = null;
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    JsonToken v = p.nextToken();
                    if ("type".equals(name)) {
                        type = (needType && isFirst) || v != JsonToken.VALUE_STRING ? tokens.small(v) : NOT_READ;
                    } else {
                        p.skipChildren();
                    }
                }
                if (isFirst) {
                    first = type;
                }
            } else if (t != JsonToken.VALUE_NULL) {
                throw Unusual.INSTANCE;
            }
            isFirst = false;
        }
        return first;
    }

    /** {@code components[0].data.text} when text is wanted and is a string; entries must be objects or null. */
    private String components(JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw Unusual.INSTANCE;
        }
        String text = null;
        boolean isFirst = true;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.START_OBJECT) {
                if (isFirst && includeText) {
                    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                        JsonToken v = p.nextToken();
                        if ("data".equals(name)) {
                            text = dataText(v);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            } else if (t != JsonToken.VALUE_NULL) {
                throw Unusual.INSTANCE;
            }
            isFirst = false;
        }
        return text;
    }

    /** {@code data} may have any shape; only an object's string {@code text} counts. */
    private String dataText(JsonToken t) throws IOException {
        String text = null;
        if (t == JsonToken.START_OBJECT) {
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken v = p.nextToken();
                if ("text".equals(name)) {
                    text = v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
        } else {
            p.skipChildren();
        }
        return text;
    }
}
