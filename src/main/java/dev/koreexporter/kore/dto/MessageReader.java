package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;

import java.io.IOException;
import java.time.Instant;

/**
 * Reads one message object of a page for {@link MessagePageReader}, its values bound by {@link MessageTokens} as
 * databind bound them: a record whose id is absent, null or blank is {@code missing_id}; one whose id is not a
 * string, or with a value that does not bind, {@code bad_type}; the rest is {@link RecordMapping}'s.
 */
final class MessageReader {
    private static final Rejection BAD_TYPE = new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE);
    private static final Rejection MISSING_ID = new Rejection(RecordKind.MESSAGE, RejectionReason.MISSING_ID);
    /** One bit per field that can fail to bind; a later value of the field sets or clears it. */
    private static final int SESSION_ID = 1;
    private static final int TYPE = 1 << 1;
    private static final int CREATED_ON = 1 << 2;
    private static final int TIMESTAMP = 1 << 3;
    private static final int CHNL = 1 << 4;
    private static final int LANG = 1 << 5;
    private static final int CHANNELS = 1 << 6;
    private static final int COMPONENTS = 1 << 7;
    private static final int LATENCY = 1 << 8;
    private static final int TRACE_ID = 1 << 9;

    private final JsonParser p;
    private final String requestedChannel;
    private final boolean includeText;
    private final MessageTokens tokens;

    MessageReader(JsonParser p, String requestedChannel, boolean includeText) {
        this.p = p;
        this.requestedChannel = requestedChannel;
        this.includeText = includeText;
        this.tokens = new MessageTokens(p);
    }

    /** One message object, from after its START_OBJECT to its END_OBJECT. */
    RecordMapping.Mapped<Message> read() throws IOException {
        String id = null;
        boolean idNotText = false;
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
        int failed = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "_id" -> {
                    id = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    idNotText = t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL;
                    p.skipChildren();
                }
                case "sessionId" -> {
                    sessionId = tokens.string(t);
                    failed = tokens.mark(failed, SESSION_ID);
                }
                case "type" -> {
                    type = tokens.small(t);
                    failed = tokens.mark(failed, TYPE);
                }
                case "createdOn" -> {
                    String value = t == JsonToken.VALUE_STRING ? null : tokens.string(t);
                    hasCreatedOn = t == JsonToken.VALUE_STRING || value != null;
                    createdOn = t == JsonToken.VALUE_STRING
                            ? WireTime.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())
                            : value == null ? null : WireTime.parse(value);
                    failed = t == JsonToken.VALUE_STRING ? failed & ~CREATED_ON : tokens.mark(failed, CREATED_ON);
                }
                case "timestampValue" -> {
                    timestampValue = tokens.longValue(t);
                    failed = tokens.mark(failed, TIMESTAMP);
                }
                case "chnl" -> {
                    chnl = tokens.small(t);
                    failed = tokens.mark(failed, CHNL);
                }
                case "lang" -> {
                    lang = tokens.small(t);
                    failed = tokens.mark(failed, LANG);
                }
                case "channels" -> {
                    firstChannel = tokens.first(t, this::channel);
                    failed = tokens.mark(failed, CHANNELS);
                }
                case "components" -> {
                    text = tokens.first(t, this::component);
                    failed = tokens.mark(failed, COMPONENTS);
                }
                case "latency" -> {
                    latency = tokens.latency(t);
                    failed = tokens.mark(failed, LATENCY);
                }
                case "traceId" -> {
                    traceId = tokens.string(t);
                    failed = tokens.mark(failed, TRACE_ID);
                }
                case "isD" -> developer = WireValues.flag(p, t);
                default -> p.skipChildren();
            }
        }
        if (!idNotText && (id == null || id.isBlank())) {
            return new RecordMapping.Mapped<>(null, MISSING_ID);
        }
        if (idNotText || failed != 0) {
            return new RecordMapping.Mapped<>(null, BAD_TYPE);
        }
        if (!hasCreatedOn && timestampValue != null) {
            createdOn = Instant.ofEpochMilli(timestampValue);
        }
        return RecordMapping.message(new MessageDto(id, sessionId, type, createdOn,
                RecordMapping.channel(chnl, firstChannel, requestedChannel), lang, latency, text, traceId, developer));
    }

    /** One entry of {@code channels}: its {@code type}. */
    private String channel(JsonToken t, boolean first) throws IOException {
        if (!tokens.opens(t, JsonToken.START_OBJECT)) {
            return null;
        }
        String type = null;
        int failed = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            if ("type".equals(name)) {
                type = tokens.small(v);
                failed = tokens.mark(failed, 1);
            } else {
                p.skipChildren();
            }
        }
        tokens.ended(failed);
        return type;
    }

    /** One entry of {@code components}: an object (its text is wanted of the first only, when asked for) or null. */
    private String component(JsonToken t, boolean first) throws IOException {
        if (!tokens.opens(t, JsonToken.START_OBJECT)) {
            return null;
        }
        String text = first && includeText ? componentText() : null;
        p.skipChildren();
        tokens.ended(0);
        return text;
    }

    /** The {@code data.text} of a component object; {@code data} may have any shape. */
    private String componentText() throws IOException {
        String text = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            if ("data".equals(name)) {
                text = dataText(v);
            } else {
                p.skipChildren();
            }
        }
        return text;
    }

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
