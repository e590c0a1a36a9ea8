package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How one key of the config table ({@link ConfigKeys}) is read: its type and the rules its value obeys on its
 * own, worded as README "Configuration" states them. A kind reports what is wrong and returns null; the key
 * then takes its default and decoding goes on, so one run lists every problem. No kind echoes a string it was
 * not asked to check (it may be a secret).
 */
interface Kind<T> {
    /** The value of {@code name} in {@code s}; null after a problem, or when its path already has one. */
    T read(Section s, String name, ConfigDecoder d);

    /** Whether the file sets the key: then {@link #read} runs; otherwise its default applies, or "required". */
    default boolean present(Section s, String name) {
        return s.has(name);
    }

    /** The problem when a required key is absent. */
    default String required(String name) {
        return "required";
    }

    /** The paths an environment variable may set for a key at {@code path} ({@code []} marks a list index). */
    default List<String> envPaths(String path) {
        return List.of(path);
    }

    /** How the README's table names a key at {@code path}. */
    default String docName(String path) {
        return path;
    }

    /** A default written as in the file ({@code 30s}), read by the same rules as a file value. */
    default T parse(String text) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("default", text);
        ConfigDecoder d = new ConfigDecoder(new Problems(), new ArrayList<>());
        T value = read(Section.of(node, "", d.problems(), null), "default", d);
        if (value == null) {
            throw new IllegalArgumentException("invalid default " + text + ": " + d.problems().messages());
        }
        return value;
    }

    /** An integer from {@code min} to {@code max} ({@link Integer#MAX_VALUE}: no upper bound). */
    static Kind<Integer> integer(int min, int max) {
        return (s, name, d) -> {
            JsonNode v = s.value(name);
            if (v == null) {
                return null;
            }
            long value;
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                value = v.longValue();
            } else if (v.isTextual() && v.textValue().strip().matches("[+-]?\\d{1,18}")) {
                value = Long.parseLong(v.textValue().strip());
            } else {
                s.problems().add(s.path(name), "must be an integer, got " + Section.shown(v));
                return null;
            }
            if (value < min || value > max) {
                s.problems().add(s.path(name), (max == Integer.MAX_VALUE ? "must be at least " + min
                        : "must be between " + min + " and " + max) + ", got " + value);
                return null;
            }
            return (int) value;
        };
    }

    static Kind<Boolean> bool() {
        return (s, name, d) -> {
            JsonNode v = s.value(name);
            if (v == null) {
                return null;
            }
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            if (v.isTextual() && (v.textValue().equalsIgnoreCase("true") || v.textValue().equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(v.textValue());
            }
            s.problems().add(s.path(name), "must be true or false, got " + Section.shown(v));
            return null;
        };
    }

    /**
     * A duration ({@link Durations}) that is positive ({@code allowZero}: or zero), at least {@code min} and at
     * most {@code max} (null: no bound).
     */
    static Kind<Duration> duration(boolean allowZero, Duration min, Duration max) {
        return (s, name, d) -> {
            JsonNode v = s.value(name);
            if (v == null) {
                return null;
            }
            String at = s.path(name);
            if (!v.isValueNode()) {
                s.problems().add(at, "must be a duration, got " + Section.describe(v) + " (" + Durations.SYNTAX + ")");
                return null;
            }
            Duration value;
            try {
                value = Durations.parse(v.asText());
            } catch (IllegalArgumentException e) {
                s.problems().add(at, "invalid duration " + Section.shown(v) + " (" + Durations.SYNTAX + ")");
                return null;
            }
            String wrong = value.isNegative() || (value.isZero() && !allowZero)
                    ? allowZero ? "must not be negative" : "must be positive"
                    : min != null && value.compareTo(min) < 0 ? "must be at least " + Durations.format(min)
                    : max != null && value.compareTo(max) > 0 ? "must be at most " + Durations.format(max) : null;
            if (wrong != null) {
                s.problems().add(at, wrong + ", got " + Section.shown(v));
                return null;
            }
            return value;
        };
    }

    /** A non-empty string. */
    static Kind<String> string() {
        return (s, name, d) -> s.string(name, null);
    }

    /** A non-empty string made into a value by {@code convert}, which returns null for text it refuses. */
    static <T> Kind<T> text(Function<String, T> convert, Function<String, String> refused) {
        return (s, name, d) -> {
            String text = s.string(name, null);
            if (text == null) {
                return null;
            }
            T value = convert.apply(text);
            if (value == null) {
                s.problems().add(s.path(name), refused.apply(text));
            }
            return value;
        };
    }

    static Kind<Path> path() {
        return text(Path::of, text -> "must be a path");
    }

    /**
     * An absolute http(s) URL, without a trailing slash (clients append paths). Plain http to another host is
     * allowed with a warning; the URL is not echoed in full there, as it might carry user info.
     */
    static Kind<URI> httpUrl() {
        Kind<URI> url = text(Kind::httpUri, text -> "must be an absolute http or https URL, got \"" + text + "\"");
        return (s, name, d) -> {
            URI uri = url.read(s, name, d);
            if (uri != null && "http".equalsIgnoreCase(uri.getScheme()) && !loopback(uri)) {
                d.warnings().add(s.path(name) + ": plain http to " + uri.getHost()
                        + ": the bots' signed tokens and Kore.ai's answers travel unencrypted; use https");
            }
            return uri;
        };
    }

    /** One of {@code values} by its name in the file, e.g. {@code must be auto, v2 or v1, got "v3"}. */
    static <E extends Enum<E>> Kind<E> choice(Class<E> type, Function<E, String> wireName) {
        List<String> names = List.of(type.getEnumConstants()).stream().map(wireName).toList();
        String choices = String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        return text(text -> List.of(type.getEnumConstants()).stream().filter(e -> wireName.apply(e).equals(text))
                .findFirst().orElse(null), text -> "must be " + choices + ", got \"" + text + "\"");
    }

    /** A byte size ({@link Sizes}) from {@code min} to {@code max}. */
    static Kind<Long> size(long min, long max) {
        return (s, name, d) -> {
            JsonNode v = s.value(name);
            if (v == null) {
                return null;
            }
            long size;
            try {
                size = v.isValueNode() ? Sizes.parse(v.asText()) : -1;
            } catch (IllegalArgumentException e) {
                size = -1;
            }
            if (size < 0) {
                s.problems().add(s.path(name), "invalid size " + Section.shown(v) + " (" + Sizes.SYNTAX + ")");
                return null;
            }
            if (size < min || size > max) {
                s.problems().add(s.path(name), "must be between " + Sizes.format(min) + " and " + Sizes.format(max)
                        + ", got " + Section.shown(v));
                return null;
            }
            return size;
        };
    }

    /** A readable regular file; {@code private}: warn when group or others may read it (a key, a secret). */
    static Kind<Path> file(boolean isPrivate) {
        return (s, name, d) -> {
            String text = s.string(name, null);
            if (text == null) {
                return null;
            }
            Path file = Path.of(text);
            String why = ConfigFiles.unreadable(file);
            if (why != null) {
                s.problems().add(s.path(name), why);
                return null;
            }
            String shared = isPrivate ? ConfigFiles.groupOrOtherReadable(file) : null;
            if (shared != null) {
                d.warnings().add(s.path(name) + ": " + shared);
            }
            return file;
        };
    }

    /**
     * A key another key's kind reads (a secret's {@code -file} variant, the entries of {@code slo}): listed in
     * the table for its name, the README and the environment, never read on its own.
     */
    static <T> Kind<T> partOf(boolean list) {
        return new Kind<>() {
            @Override
            public T read(Section s, String name, ConfigDecoder d) {
                return null;
            }

            @Override
            public boolean present(Section s, String name) {
                return false;
            }

            @Override
            public List<String> envPaths(String path) {
                return List.of(list ? path + "[]" : path);
            }
        };
    }

    /** The simulator in demo mode and tests: traffic that never leaves the host needs no warning. */
    private static boolean loopback(URI url) {
        String host = url.getHost();
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static URI httpUri(String text) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                return null;
            }
            String u = uri.toString();
            return URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
