package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Binds the values of one message from the token stream for {@link MessagePageReader}, by the rules Jackson's
 * databind applies to a field of each type (0.3.0 bound messages with databind, and what is counted must not
 * change): a String takes a string, or a number or boolean as its text; a Long an integer, a float cut to its
 * integer part, or a string holding an integer; a Boolean a boolean or a string saying one; an object or list its
 * JSON shape; and every one of them null. Anything else does not bind, and a message with such a value is rejected
 * as {@code bad_type}. After each value {@link #bound()} tells which it was. Within an object a field named twice
 * counts once, with its last value, as in the tree databind read. The parser is left on the value's last token.
 */
final class MessageTokens {
    private final JsonParser p;
    private final SmallStrings smallStrings = new SmallStrings();
    private boolean bound;

    MessageTokens(JsonParser p) {
        this.p = p;
    }

    /** Whether the value read last bound. */
    boolean bound() {
        return bound;
    }

    /** A String field; {@code t} is the value's first token. */
    String string(JsonToken t) throws IOException {
        return t == JsonToken.VALUE_STRING ? ok(p.getText()) : coerced(t);
    }

    /** {@link #string} for fields with few distinct values. */
    String small(JsonToken t) throws IOException {
        return t == JsonToken.VALUE_STRING
                ? ok(smallStrings.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) : coerced(t);
    }

    /** A scalar other than a string as a String field takes it: the text of the tree node it was in 0.3.0. */
    private String coerced(JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> ok(null);
            case VALUE_NUMBER_INT -> ok(p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue().toString() : Long.toString(p.getLongValue()));
            case VALUE_NUMBER_FLOAT -> ok(Double.toString(p.getDoubleValue()));
            case VALUE_TRUE, VALUE_FALSE -> ok(t.asString());
            default -> unbound();
        };
    }

    /** A Long field. */
    Long longValue(JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> ok(null);
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? unbound()
                    : ok(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> {
                double d = p.getDoubleValue();
                yield d >= Long.MIN_VALUE && d <= Long.MAX_VALUE ? ok((long) d) : unbound();
            }
            case VALUE_STRING -> longText(p.getText());
            default -> unbound();
        };
    }

    /** An empty or blank string, or {@code "null"}, is null; other text must be an integer. */
    private Long longText(String text) {
        String s = text.trim();
        if (s.isEmpty() || "null".equals(s)) {
            return ok(null);
        }
        try {
            return ok(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return notBound();
        }
    }

    /** A Boolean field. */
    Boolean booleanValue(JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> ok(null);
            case VALUE_TRUE -> ok(true);
            case VALUE_FALSE -> ok(false);
            case VALUE_NUMBER_INT -> ok(p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() != 0
                    : !"0".equals(p.getText()));
            case VALUE_STRING -> booleanText(p.getText());
            default -> unbound();
        };
    }

    private Boolean booleanText(String text) {
        String s = text.trim();
        if (s.isEmpty() || "null".equals(s)) {
            return ok(null);
        }
        return switch (s) {
            case "true", "True", "TRUE" -> ok(true);
            case "false", "False", "FALSE" -> ok(false);
            default -> notBound();
        };
    }

    /**
     * Whether an object or list field may be read: true on its first token, false (and the value skipped) for a
     * null, which binds, or any other shape, which does not.
     */
    boolean opens(JsonToken t, JsonToken start) throws IOException {
        if (t == start) {
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            ok(null);
        } else {
            unbound();
        }
        return false;
    }

    /** Reads one entry of a list; {@code first} for its first. The entry is left for {@link #bound()} to judge. */
    @FunctionalInterface
    interface Entry<T> {
        T read(JsonToken t, boolean first) throws IOException;
    }

    /** A list field: every entry read by {@code entry} must bind; the first entry's value (null for none). */
    <T> T first(JsonToken t, Entry<T> entry) throws IOException {
        if (!opens(t, JsonToken.START_ARRAY)) {
            return null;
        }
        T first = null;
        boolean isFirst = true;
        int failed = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            T value = entry.read(t, isFirst);
            failed |= bound ? 0 : 1;
            first = isFirst ? value : first;
            isFirst = false;
        }
        ended(failed);
        return first;
    }

    /** Ends an object or list whose fields or entries failed to bind where {@code failed} has bits set. */
    void ended(int failed) {
        bound = failed == 0;
    }

    /** {@code failed} with the field {@code bit} set or cleared by whether the value just read bound. */
    int mark(int failed, int bit) {
        return bound ? failed & ~bit : failed | bit;
    }

    /** The {@code latency} object; null for JSON null or a value that did not bind. */
    MessageDto.LatencyDto latency(JsonToken t) throws IOException {
        if (!opens(t, JsonToken.START_OBJECT)) {
            return null;
        }
        Double totalMs = null;
        MessageDto.Asr asr = null;
        MessageDto.Bot bot = null;
        MessageDto.Tts tts = null;
        int failed = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "totalMs" -> totalMs = WireValues.number(p, v);
                case "asr" -> {
                    asr = asr(v);
                    failed = mark(failed, 1);
                }
                case "bot" -> {
                    bot = bot(v);
                    failed = mark(failed, 2);
                }
                case "tts" -> {
                    tts = tts(v);
                    failed = mark(failed, 4);
                }
                default -> p.skipChildren();
            }
        }
        ended(failed);
        return new MessageDto.LatencyDto(totalMs, asr, bot, tts);
    }

    private MessageDto.Asr asr(JsonToken t) throws IOException {
        if (!opens(t, JsonToken.START_OBJECT)) {
            return null;
        }
        Double durationMs = null;
        String provider = null;
        Double confidence = null;
        int failed = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "durationMs" -> durationMs = WireValues.number(p, v);
                case "provider" -> {
                    provider = small(v);
                    failed = mark(failed, 1);
                }
                case "confidenceScore" -> confidence = WireValues.number(p, v);
                default -> p.skipChildren();
            }
        }
        ended(failed);
        return new MessageDto.Asr(durationMs, provider, confidence);
    }

    private MessageDto.Bot bot(JsonToken t) throws IOException {
        if (!opens(t, JsonToken.START_OBJECT)) {
            return null;
        }
        Double durationMs = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            if ("durationMs".equals(name)) {
                durationMs = WireValues.number(p, v);
            } else {
                p.skipChildren();
            }
        }
        ended(0);
        return new MessageDto.Bot(durationMs);
    }

    private MessageDto.Tts tts(JsonToken t) throws IOException {
        if (!opens(t, JsonToken.START_OBJECT)) {
            return null;
        }
        Double durationMs = null;
        String provider = null;
        Double chars = null;
        Double audioMs = null;
        Boolean streaming = null;
        Double firstByteMs = null;
        int failed = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "durationMs" -> durationMs = WireValues.number(p, v);
                case "provider" -> {
                    provider = small(v);
                    failed = mark(failed, 1);
                }
                case "utteranceLengthChars" -> chars = WireValues.number(p, v);
                case "audioLengthMs" -> audioMs = WireValues.number(p, v);
                case "streamingEnabled" -> {
                    streaming = booleanValue(v);
                    failed = mark(failed, 2);
                }
                case "firstByteMs" -> firstByteMs = WireValues.number(p, v);
                default -> p.skipChildren();
            }
        }
        ended(failed);
        return new MessageDto.Tts(durationMs, provider, chars, audioMs, streaming, firstByteMs);
    }

    private <T> T ok(T value) {
        bound = true;
        return value;
    }

    /** A value that does not bind: skipped whole (still checked as JSON). */
    private <T> T unbound() throws IOException {
        p.skipChildren();
        return notBound();
    }

    private <T> T notBound() {
        bound = false;
        return null;
    }
}
