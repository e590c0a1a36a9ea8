package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${VAR}} and {@code ${VAR:-default}} in every string value of the tree, in place.
 * {@code $${} stands for a literal {@code ${}. Problems name the key and the variable, never a value.
 */
final class EnvReferences {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvReferences() {
    }

    static void resolve(JsonNode root, Map<String, String> env, Problems problems) {
        walk(root, "", env, problems);
    }

    private static void walk(JsonNode node, String path, Map<String, String> env, Problems problems) {
        if (node instanceof ObjectNode object) {
            List<String> keys = new ArrayList<>();
            object.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                JsonNode child = object.get(key);
                String childPath = path.isEmpty() ? key : path + "." + key;
                if (child.isTextual()) {
                    object.set(key, resolveText(child.textValue(), childPath, env, problems));
                } else {
                    walk(child, childPath, env, problems);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                String childPath = path + "[" + i + "]";
                if (child.isTextual()) {
                    array.set(i, resolveText(child.textValue(), childPath, env, problems));
                } else {
                    walk(child, childPath, env, problems);
                }
            }
        }
    }

    private static TextNode resolveText(String text, String path, Map<String, String> env, Problems problems) {
        if (!text.contains("${")) {
            return TextNode.valueOf(text);
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add(path, "unclosed ${ reference");
                    return TextNode.valueOf(text);
                }
                String ref = text.substring(i + 2, end);
                int sep = ref.indexOf(":-");
                String name = sep < 0 ? ref : ref.substring(0, sep);
                if (!NAME.matcher(name).matches()) {
                    problems.add(path, "invalid environment variable name in ${" + name + "}");
                    return TextNode.valueOf(text);
                }
                String value = env.get(name);
                if (value == null && sep >= 0) {
                    value = ref.substring(sep + 2);
                }
                if (value == null) {
                    problems.add(path, "undefined environment variable " + name);
                    return TextNode.valueOf(text);
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return TextNode.valueOf(out.toString());
    }
}
