package dev.koreexporter.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Bounds the values of one label (CONTRACT §4): the first {@code limit} distinct values pass, later new
 * values become {@code other}, missing ones {@code unknown}.
 */
final class LabelGuard {
    static final String OTHER = "other";
    static final String UNKNOWN = "unknown";

    private final String label;
    private final int limit;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();
    private final Consumer<String> onFold;

    LabelGuard(String label, int limit, Consumer<String> onFold) {
        this.label = label;
        this.limit = limit;
        this.onFold = onFold;
    }

    String value(String raw) {
        if (raw == null || raw.isBlank()) {
            return UNKNOWN;
        }
        if (admitted.contains(raw)) {
            return raw;
        }
        // Racing threads may admit a value or two past the limit; the bound stays small either way.
        if (admitted.size() < limit) {
            admitted.add(raw);
            return raw;
        }
        onFold.accept(label);
        return OTHER;
    }
}
