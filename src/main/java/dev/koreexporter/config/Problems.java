package dev.koreexporter.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects problems as {@code path: rule}. A value set by an environment variable gets
 * {@code (from env var NAME)} appended, so the user knows where to look.
 */
final class Problems {
    private final List<String> messages = new ArrayList<>();
    private final Set<String> badPaths = new HashSet<>();
    private final Map<String, String> envOrigins = new HashMap<>();

    void add(String path, String rule) {
        badPaths.add(path);
        String origin = envOrigins.get(path);
        messages.add(path + ": " + rule + (origin == null ? "" : " (from env var " + origin + ")"));
    }

    /** Records that the value at {@code path} came from environment variable {@code envVar}. */
    void setOrigin(String path, String envVar) {
        envOrigins.put(path, envVar);
    }

    /** True when a problem was already reported for this path: cross-field rules then stay quiet. */
    boolean isBad(String path) {
        return badPaths.contains(path);
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new ConfigException(messages);
        }
    }
}
