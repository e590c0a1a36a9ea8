package dev.koreexporter.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The decoded values of one mapping (the whole file, or one entry of a list), by key, in decoding order. */
final class Values {
    private final Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    private final Map<ConfigKey<?>, String> paths = new HashMap<>();

    <T> void put(ConfigKey<T> key, String path, T value) {
        values.put(key, value);
        paths.put(key, path);
    }

    /** The value, or null for an optional key without one (and for any key of a config that has problems). */
    @SuppressWarnings("unchecked")
    <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    /** Where the key was read, e.g. {@code bots[1].name}. */
    String path(ConfigKey<?> key) {
        return paths.get(key);
    }

    List<ConfigKey<?>> keys() {
        return List.copyOf(values.keySet());
    }
}
