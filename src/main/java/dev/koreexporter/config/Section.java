package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One mapping of the YAML tree, read strictly: unknown keys and wrong types become problems.
 * Readers return the default (or a placeholder) after a problem, so decoding goes on and every problem
 * is reported in one run; the caller throws at the end. Integers, booleans and durations may be given as
 * strings (that is what {@code ${ENV}} and env overrides produce); strings must be strings, because a
 * YAML number does not keep its original spelling (a client id {@code 0123} would lose its zero).
 */
final class Section {
    private final ObjectNode node;
    private final String path;
    private final Problems problems;

    private Section(ObjectNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** A missing or null node is an empty mapping; anything else but a mapping is a problem. */
    static Section of(JsonNode node, String path, Problems problems, List<String> knownKeys) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new Section(JsonNodeFactory.instance.objectNode(), path, problems);
        }
        if (!(node instanceof ObjectNode object)) {
            problems.add(path, "must be a mapping, got " + describe(node));
            return new Section(JsonNodeFactory.instance.objectNode(), path, problems);
        }
        if (knownKeys != null) {
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!knownKeys.contains(key)) {
                    problems.add(child(path, key), "unknown key (expected one of: " + String.join(", ", knownKeys) + ")");
                }
            }
        }
        return new Section(object, path, problems);
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String describe(JsonNode n) {
        if (n.isObject()) {
            return "a mapping";
        } else if (n.isArray()) {
            return "a list";
        } else if (n.isTextual()) {
            return "a string";
        } else if (n.isNumber()) {
            return "a number";
        } else if (n.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }

    /** The value as the user wrote it, for messages: strings quoted, numbers as is, containers by type. */
    static String shown(JsonNode n) {
        if (n.isTextual()) {
            return "\"" + n.textValue() + "\"";
        }
        return n.isValueNode() && !n.isNull() ? n.asText() : describe(n);
    }

    String path() {
        return path;
    }

    String path(String key) {
        return child(path, key);
    }

    Problems problems() {
        return problems;
    }

    /** The raw value, or null when the key is absent or null. */
    JsonNode get(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    List<String> keys() {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    Section section(String key, List<String> knownKeys) {
        return of(node.get(key), path(key), problems, knownKeys);
    }

    /** Optional string: {@code def} when absent; empty strings are a problem. */
    String string(String key, String def) {
        JsonNode v = get(key);
        if (v == null || problems.isBad(path(key))) {
            return def;
        }
        return text(v, path(key), def);
    }

    /** Required string: "required" when absent, returns "" after a problem. */
    String required(String key) {
        if (problems.isBad(path(key))) {
            return "";
        }
        if (!has(key)) {
            problems.add(path(key), "required");
            return "";
        }
        return string(key, "");
    }

    int integer(String key, int def, int min, int max) {
        JsonNode v = get(key);
        if (v == null || problems.isBad(path(key))) {
            return def;
        }
        long value;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            value = v.longValue();
        } else if (v.isTextual() && v.textValue().strip().matches("[+-]?\\d{1,18}")) {
            value = Long.parseLong(v.textValue().strip());
        } else {
            problems.add(path(key), "must be an integer, got " + shown(v));
            return def;
        }
        if (value < min || value > max) {
            problems.add(path(key), (max == Integer.MAX_VALUE ? "must be at least " + min
                    : "must be between " + min + " and " + max) + ", got " + value);
            return def;
        }
        return (int) value;
    }

    boolean bool(String key, boolean def) {
        JsonNode v = get(key);
        if (v == null || problems.isBad(path(key))) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.textValue().equalsIgnoreCase("true") || v.textValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.textValue());
        }
        problems.add(path(key), "must be true or false, got " + shown(v));
        return def;
    }

    /** A duration that must be positive ({@code allowZero}: zero too) and at most {@code max} (null: no limit). */
    Duration duration(String key, Duration def, boolean allowZero, Duration max) {
        JsonNode v = get(key);
        if (v == null || problems.isBad(path(key))) {
            return def;
        }
        if (!v.isValueNode()) {
            problems.add(path(key), "must be a duration, got " + describe(v) + " (" + Durations.SYNTAX + ")");
            return def;
        }
        Duration d;
        try {
            d = Durations.parse(v.asText());
        } catch (IllegalArgumentException e) {
            problems.add(path(key), "invalid duration " + shown(v) + " (" + Durations.SYNTAX + ")");
            return def;
        }
        if (d.isNegative() || (d.isZero() && !allowZero)) {
            problems.add(path(key), (allowZero ? "must not be negative" : "must be positive") + ", got " + shown(v));
            return def;
        }
        if (max != null && d.compareTo(max) > 0) {
            problems.add(path(key), "must be at most " + Durations.format(max) + ", got " + shown(v));
            return def;
        }
        return d;
    }

    /** A string list element or value: never echoes the value (it may be a secret). */
    String text(JsonNode v, String at, String def) {
        if (!v.isTextual()) {
            problems.add(at, "must be a string, got " + describe(v));
            return def;
        }
        if (v.textValue().isBlank()) {
            problems.add(at, "must not be empty");
            return def;
        }
        return v.textValue();
    }
}
