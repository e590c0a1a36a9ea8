package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Values of one message read from the token stream for {@link MessagePageReader}: the value just read
 * ({@code t} is the parser's current token) in the shapes Kore.ai documents, or {@link Unusual} for any
 * other token, which the tree path then decides. The latency object is read here too, its numbers by
 * {@link WireValues#number} as the tree path reads them (a broken value never sends a message to the tree path).
 */
final class MessageTokens {
    /** A token left to the tree path. Thrown often enough to skip the stack trace. */
    static final class Unusual extends Exception {
        static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super(null, null, false, false);
        }
    }

    private final JsonParser p;
    private final SmallStrings smallStrings = new SmallStrings();

    MessageTokens(JsonParser p) {
        this.p = p;
    }

    MessageDto.LatencyDto latency(JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        object(t);
        Double totalMs = null;
        MessageDto.Asr asr = null;
        MessageDto.Bot bot = null;
        MessageDto.Tts tts = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "totalMs" -> totalMs = WireValues.number(p, v);
                case "asr" -> asr = asr(v);
                case "bot" -> bot = bot(v);
                case "tts" -> tts = tts(v);
                default -> p.skipChildren();
            }
        }
        return new MessageDto.LatencyDto(totalMs, asr, bot, tts);
    }

    private MessageDto.Asr asr(JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        object(t);
        Double durationMs = null;
        String provider = null;
        Double confidence = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "durationMs" -> durationMs = WireValues.number(p, v);
                case "provider" -> provider = small(v);
                case "confidenceScore" -> confidence = WireValues.number(p, v);
                default -> p.skipChildren();
            }
        }
        return new MessageDto.Asr(durationMs, provider, confidence);
    }

    private MessageDto.Bot bot(JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        object(t);
        Double durationMs = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            if ("durationMs".equals(name)) {
                durationMs = WireValues.number(p, v);
            } else {
                p.skipChildren();
            }
        }
        return new MessageDto.Bot(durationMs);
    }

    private MessageDto.Tts tts(JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        object(t);
        Double durationMs = null;
        String provider = null;
        Double chars = null;
        Double audioMs = null;
        Boolean streaming = null;
        Double firstByteMs = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "durationMs" -> durationMs = WireValues.number(p, v);
                case "provider" -> provider = small(v);
                case "utteranceLengthChars" -> chars = WireValues.number(p, v);
                case "audioLengthMs" -> audioMs = WireValues.number(p, v);
                case "streamingEnabled" -> streaming = booleanValue(v);
                case "firstByteMs" -> firstByteMs = WireValues.number(p, v);
                default -> p.skipChildren();
            }
        }
        return new MessageDto.Tts(durationMs, provider, chars, audioMs, streaming, firstByteMs);
    }

    static void object(JsonToken t) throws Unusual {
        if (t != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
    }

    String string(JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Unusual.INSTANCE;
    }

    /** {@link #string} for fields with few distinct values. */
    String small(JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_STRING) {
            return smallStrings.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
        return nullValue(t);
    }

    /** Null for a JSON null; any other token is left to the tree path. */
    static <T> T nullValue(JsonToken t) throws Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Unusual.INSTANCE;
    }

    /** Integers that fit a long; floats and bigger integers follow databind's coercion rules in the tree path. */
    Long longValue(JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Unusual.INSTANCE;
    }

    static Boolean booleanValue(JsonToken t) throws Unusual {
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE;
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Unusual.INSTANCE;
    }
}
