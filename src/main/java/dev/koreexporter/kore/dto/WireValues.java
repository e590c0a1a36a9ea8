package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Values whose wire shape is not trusted: a latency value of the wrong shape invalidates that value only, never
 * its message, and a developer flag is recognised in every shape Kore.ai releases send it (README, "How it reads
 * Kore.ai"). Messages read them from the token stream ({@link MessagePageReader}), sessions through databind
 * ({@link Flag}).
 */
final class WireValues {
    /** Stands for a value present but unusable: every range check rejects it. */
    static final double INVALID = Double.NaN;
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private WireValues() {
    }

    /**
     * A latency value: a JSON number as it is, a string holding a decimal number as that number (as 0.2.0's
     * databind coercion read it), null for null, and {@link #INVALID} for anything else (other strings such
     * as {@code "NaN"}, booleans, objects, arrays). The parser is left on the value's last token.
     */
    static Double number(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_NULL -> null;
            case VALUE_STRING -> parse(p.getText());
            case START_OBJECT, START_ARRAY -> {
                p.skipChildren();
                yield INVALID;
            }
            default -> INVALID;
        };
    }

    private static double parse(String text) {
        String s = text.strip();
        if (!NUMBER.matcher(s).matches()) {
            return INVALID;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return INVALID;
        }
    }

    /**
     * A developer flag ({@code isD}, {@code isDeveloper}): Kore.ai documents 1/0, some releases send
     * booleans. True for {@code true}, a non-zero number, and the strings {@code "true"} and {@code "1"};
     * false for anything else (absent, null, 0, false, other shapes). The parser is left on the value's last token.
     */
    static boolean flag(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_TRUE -> true;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue() != 0;
            case VALUE_STRING -> {
                String s = p.getText().strip();
                yield s.equalsIgnoreCase("true") || s.equals("1");
            }
            case START_OBJECT, START_ARRAY -> {
                p.skipChildren();
                yield false;
            }
            default -> false;
        };
    }

    /** {@link #flag} for databind; an absent or null flag binds as null, which means false. */
    static final class Flag extends StdDeserializer<Boolean> {
        Flag() {
            super(Boolean.class);
        }

        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return flag(p, p.currentToken());
        }
    }
}
