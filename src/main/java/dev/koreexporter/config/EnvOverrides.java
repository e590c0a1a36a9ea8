package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Environment variables that override config keys, the Helidon way: the key path upper-cased, with
 * {@code .} and {@code -} as {@code _} and list indexes as numbers ({@code SERVER_PORT},
 * {@code KORE_RATE_LIMIT_PER_MINUTE}, {@code BOTS_0_CLIENT_SECRET}); Helidon's explicit
 * {@code _DASH_} for a dash is accepted too ({@code KORE_RATE_DASH_LIMIT_PER_DASH_MINUTE}).
 * Only known keys match, so unrelated variables (PATH, HOME...) are ignored.
 */
final class EnvOverrides {
    private record Rule(String template, Pattern pattern) {
    }

    private record Override(String envVar, List<Object> segments, String value) {
    }

    private static final List<Rule> RULES = ConfigKeys.envPaths().stream()
            .map(t -> new Rule(t, Pattern.compile(envPattern(t)))).toList();

    private EnvOverrides() {
    }

    /** Sets every matching variable's value as a string in {@code root}; records where values came from. */
    static void apply(ObjectNode root, Map<String, String> env, Problems problems) {
        Map<String, List<Override>> byPath = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            for (Rule rule : RULES) {
                Matcher m = rule.pattern().matcher(e.getKey());
                if (m.matches()) {
                    List<Object> segments = segments(rule.template(), m);
                    byPath.computeIfAbsent(pathText(segments, segments.size()), k -> new ArrayList<>())
                            .add(new Override(e.getKey(), segments, e.getValue()));
                }
            }
        }
        List<Override> chosen = new ArrayList<>();
        byPath.forEach((path, list) -> {
            if (list.size() > 1) {
                problems.add(path, "set by several env vars: "
                        + String.join(", ", list.stream().map(Override::envVar).toList()));
            } else {
                chosen.add(list.getFirst());
            }
        });
        // Lower indexes first, so BOTS_1_* may append a bot after BOTS_0_* filled the first.
        chosen.sort(Comparator.comparing(o -> o.segments(), EnvOverrides::compareSegments));
        for (Override o : chosen) {
            problems.setOrigin(pathText(o.segments(), o.segments().size()), o.envVar());
            set(root, o.segments(), o.value(), problems);
        }
    }

    /** {@code kore.rate-limit.per-minute} becomes {@code KORE_RATE(?:_|_DASH_)LIMIT_PER(?:_|_DASH_)MINUTE}. */
    private static String envPattern(String template) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (template.startsWith("[]", i)) {
                re.append("_(\\d{1,6})");
                i++;
            } else if (c == '.') {
                re.append('_');
            } else if (c == '-') {
                re.append("(?:_|_DASH_)");
            } else {
                re.append(Character.toUpperCase(c));
            }
        }
        return re.toString();
    }

    private static List<Object> segments(String template, Matcher m) {
        List<Object> segments = new ArrayList<>();
        int group = 1;
        for (String part : template.split("\\.")) {
            String name = part.endsWith("[]") ? part.substring(0, part.length() - 2) : part;
            segments.add(name);
            if (part.endsWith("[]")) {
                segments.add(Integer.parseInt(m.group(group++)));
            }
        }
        return segments;
    }

    static String pathText(List<Object> segments, int count) {
        StringBuilder sb = new StringBuilder();
        for (Object s : segments.subList(0, count)) {
            if (s instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else {
                sb.append(sb.isEmpty() ? "" : ".").append(s);
            }
        }
        return sb.toString();
    }

    private static int compareSegments(List<Object> a, List<Object> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i) instanceof Integer x && b.get(i) instanceof Integer y
                    ? Integer.compare(x, y) : String.valueOf(a.get(i)).compareTo(String.valueOf(b.get(i)));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Walks to the key, creating missing mappings and lists; a wrong-typed parent is left for the decoder to report. */
    private static void set(ObjectNode root, List<Object> segments, String value, Problems problems) {
        JsonNode parent = root;
        for (int i = 0; i < segments.size(); i++) {
            boolean last = i == segments.size() - 1;
            boolean nextIsIndex = !last && segments.get(i + 1) instanceof Integer;
            JsonNode child;
            if (segments.get(i) instanceof String key) {
                if (!(parent instanceof ObjectNode object)) {
                    return;
                }
                if (last) {
                    object.put(key, value);
                    return;
                }
                child = object.get(key);
                if (child == null || child.isNull()) {
                    child = nextIsIndex ? object.putArray(key) : object.putObject(key);
                }
            } else {
                int index = (Integer) segments.get(i);
                if (!(parent instanceof ArrayNode array)) {
                    return;
                }
                if (index > array.size()) {
                    String list = pathText(segments, i);
                    problems.add(pathText(segments, segments.size()), "index out of range: " + list + " has size "
                            + array.size() + ", an env var may only add " + list + "[" + array.size() + "]");
                    return;
                }
                if (last) {
                    if (index == array.size()) {
                        array.add(value);
                    } else {
                        array.set(index, value);
                    }
                    return;
                }
                child = index < array.size() ? array.get(index) : null;
                if (child == null || child.isNull()) {
                    child = nextIsIndex ? array.arrayNode() : array.objectNode();
                    if (index == array.size()) {
                        array.add(child);
                    } else {
                        array.set(index, child);
                    }
                }
            }
            parent = child;
        }
    }
}
