package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One mapping of the YAML tree, read strictly: unknown keys become problems, and the config table's kinds
 * ({@link Kind}) read its values. Readers return null (or the given default) after a problem, so decoding goes
 * on and every problem is reported in one run; the caller throws at the end. Strings must be strings, because
 * a YAML number does not keep its original spelling (a client id {@code 0123} would lose its zero); numbers,
 * booleans and durations may be strings (that is what {@code ${ENV}} and env overrides produce).
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

    /** The value to read: null when the key is absent or null, or a problem was already reported for it. */
    JsonNode value(String key) {
        return problems.isBad(path(key)) ? null : get(key);
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
