package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.metrics.catalogue.KoreMeter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The kinds of keys that hold more than one value: secrets, lists and mappings of the config table. */
final class Compound {
    /** Histograms of the metric catalogue, whose buckets {@code metrics.buckets} may set. */
    static final List<String> HISTOGRAMS = KoreMeter.histograms().stream().map(KoreMeter::metricName).toList();
    /** Histograms observing a ratio (0..1): bucket bounds above 1 are pointless there. */
    static final List<String> RATIO_HISTOGRAMS = KoreMeter.histograms().stream()
            .filter(m -> m.unit() == KoreMeter.Unit.RATIO).map(KoreMeter::metricName).toList();

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");

    private Compound() {
    }

    /**
     * A secret written in the file ({@code name}) or read from a file ({@code name-file}), exactly one of them.
     * A file's trailing newline (echo, editors) is not part of the secret.
     */
    static Kind<Secret> secret() {
        return new Kind<>() {
            @Override
            public boolean present(Section s, String name) {
                return s.has(name) || s.has(name + "-file");
            }

            @Override
            public String required(String name) {
                return "required (or " + name + "-file)";
            }

            @Override
            public Secret read(Section s, String name, ConfigDecoder d) {
                String fileKey = name + "-file";
                if (s.has(name) && s.has(fileKey)) {
                    s.problems().add(s.path(name), "not allowed together with " + fileKey + ", set only one");
                    return null;
                }
                if (s.has(name)) {
                    String inline = s.string(name, null);
                    return inline == null ? null : new Secret(inline);
                }
                String pathText = s.string(fileKey, null);
                if (pathText == null) {
                    return null;
                }
                Path path = Path.of(pathText);
                String content;
                try {
                    content = ConfigFiles.read(path);
                } catch (IOException e) {
                    s.problems().add(s.path(fileKey), ConfigFiles.cannotRead(path, e));
                    return null;
                }
                String shared = ConfigFiles.groupOrOtherReadable(path);
                if (shared != null) {
                    d.warnings().add(s.path(fileKey) + ": " + shared);
                }
                String value = Secret.content(content).orElse(null);
                if (value == null) {
                    s.problems().add(s.path(fileKey), "\"" + path + "\" is empty");
                    return null;
                }
                return Secret.fromFile(value, path);
            }
        };
    }

    /** A non-empty list of distinct strings, each an {@code item} (named so in messages). */
    static Kind<List<String>> distinctStrings(String item) {
        return new Kind<>() {
            @Override
            public List<String> read(Section s, String name, ConfigDecoder d) {
                JsonNode list = s.get(name);
                String path = s.path(name);
                if (!list.isArray()) {
                    s.problems().add(path, "must be a list of strings, got " + Section.describe(list));
                    return null;
                }
                if (list.isEmpty()) {
                    s.problems().add(path, "must not be empty");
                    return null;
                }
                List<String> values = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    String at = path + "[" + i + "]";
                    String value = s.problems().isBad(at) ? null : s.text(list.get(i), at, null);
                    if (value != null && values.contains(value)) {
                        s.problems().add(at, "duplicate " + item + " \"" + value + "\"");
                    } else if (value != null) {
                        values.add(value);
                    }
                }
                return values;
            }

            @Override
            public List<String> envPaths(String path) {
                return List.of(path + "[]");
            }
        };
    }

    /**
     * A list of mappings whose keys are the table's rows under {@code path[]}; {@code required} is the message for
     * an empty list. Rows marked unique must differ between entries.
     */
    static Kind<List<Values>> records(String required) {
        return new Kind<>() {
            @Override
            public String required(String name) {
                return required;
            }

            @Override
            public List<Values> read(Section s, String name, ConfigDecoder d) {
                JsonNode list = s.get(name);
                String path = s.path(name);
                if (!list.isArray()) {
                    s.problems().add(path, "must be a list, got " + Section.describe(list));
                    return null;
                }
                if (list.isEmpty()) {
                    s.problems().add(path, required);
                    return null;
                }
                Map<ConfigKey<?>, Map<Object, Integer>> seen = new HashMap<>();
                List<Values> records = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    String at = path + "[" + i + "]";
                    JsonNode element = list.get(i);
                    if (!element.isObject()) {
                        // One problem for the entry, not one "required" per missing key.
                        s.problems().add(at, "must be a mapping, got " + Section.describe(element));
                        continue;
                    }
                    Values record = d.decode(element, at);
                    for (ConfigKey<?> key : record.keys()) {
                        Object value = record.get(key);
                        if (key.uniqueAs() != null && value != null && !s.problems().isBad(record.path(key))) {
                            Integer first = seen.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(value, i);
                            if (first != null) {
                                s.problems().add(record.path(key), "duplicate " + key.uniqueAs() + " \"" + value
                                        + "\" (also " + path + "[" + first + "])");
                            }
                        }
                    }
                    records.add(record);
                }
                return records;
            }

            @Override
            public List<String> envPaths(String path) {
                return List.of();
            }
        };
    }

    /** User name to bcrypt hash; a value that is no bcrypt hash is never echoed (it may be a plain password). */
    static Kind<Map<String, String>> bcryptUsers() {
        return new Kind<>() {
            @Override
            public Map<String, String> read(Section s, String name, ConfigDecoder d) {
                Section u = s.section(name, null);
                if (u.keys().isEmpty() && !s.problems().isBad(u.path())) {
                    s.problems().add(u.path(), "must list at least one user");
                }
                Map<String, String> users = new LinkedHashMap<>();
                for (String user : u.keys()) {
                    String hash = u.string(user, null);
                    if (hash != null && !BCRYPT.matcher(hash).matches()) {
                        s.problems().add(u.path(user), "must be a bcrypt hash ($2a$, $2b$ or $2y$), not a plain password");
                    } else if (hash != null) {
                        users.put(user, hash);
                    }
                }
                return users;
            }

            @Override
            public List<String> envPaths(String path) {
                // Their keys are user names, which an upper-case variable name cannot spell back.
                return List.of();
            }
        };
    }

    /** Bucket bounds by histogram name: non-empty, strictly increasing, positive (at most 1 for a ratio). */
    static Kind<Map<String, List<Double>>> buckets() {
        return new Kind<>() {
            @Override
            public Map<String, List<Double>> read(Section s, String name, ConfigDecoder d) {
                Section b = s.section(name, HISTOGRAMS);
                Map<String, List<Double>> buckets = new LinkedHashMap<>();
                for (String metric : b.keys()) {
                    if (HISTOGRAMS.contains(metric)) {
                        List<Double> bounds = bounds(b.get(metric), b.path(metric), RATIO_HISTOGRAMS.contains(metric), b);
                        if (bounds != null) {
                            buckets.put(metric, bounds);
                        }
                    }
                }
                return buckets;
            }

            @Override
            public List<String> envPaths(String path) {
                return HISTOGRAMS.stream().map(h -> path + "." + h + "[]").toList();
            }

            @Override
            public String docName(String path) {
                return path + ".<histogram>";
            }
        };
    }

    /** The {@code slo} list ({@link SloDecoder}), whose thresholds must be bounds of the buckets decoded before. */
    static Kind<List<Slo>> slos(ConfigKey<Map<String, List<Double>>> buckets) {
        return new Kind<>() {
            @Override
            public boolean present(Section s, String name) {
                // Without a list the default SLOs apply, and they must fit the configured buckets too.
                return true;
            }

            @Override
            public List<Slo> read(Section s, String name, ConfigDecoder d) {
                return new SloDecoder(s.problems(), d.warnings()).slos(s.get(name), s.path(name), d.root().get(buckets));
            }

            @Override
            public List<String> envPaths(String path) {
                return List.of();
            }
        };
    }

    private static List<Double> bounds(JsonNode list, String path, boolean ratio, Section b) {
        Problems problems = b.problems();
        if (list == null || !list.isArray()) {
            problems.add(path, "must be a list of numbers, got " + (list == null ? "null" : Section.describe(list)));
            return null;
        }
        if (list.isEmpty()) {
            problems.add(path, "must not be empty");
            return null;
        }
        List<Double> bounds = new ArrayList<>();
        Double previous = null;
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String at = path + "[" + i + "]";
            Double v = number(n);
            if (v == null) {
                problems.add(at, "must be a number, got " + Section.shown(n));
            } else if (v <= 0) {
                problems.add(at, "must be positive, got " + Section.shown(n));
            } else if (ratio && v > 1) {
                problems.add(at, "must be at most 1 (the metric is a ratio), got " + Section.shown(n));
            } else if (previous != null && v <= previous) {
                problems.add(at, "must be greater than the previous bound " + Section.shown(list.get(i - 1))
                        + ", got " + Section.shown(n));
            } else {
                bounds.add(v);
            }
            previous = v == null ? previous : v;
        }
        return bounds.size() == list.size() ? bounds : null;
    }

    private static Double number(JsonNode n) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual() && NUMBER.matcher(n.textValue().strip()).matches()) {
            try {
                double d = Double.parseDouble(n.textValue().strip());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
