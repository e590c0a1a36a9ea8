package dev.koreexporter.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Bounds the values of one label (README, "Metrics"): the first {@code limit} distinct values pass, later new
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
        return admit(raw) ? raw : fold();
    }

    /** Locked (only new values get here) so that racing pollers never admit past the limit. */
    private synchronized boolean admit(String raw) {
        if (admitted.contains(raw) || admitted.size() < limit) {
            admitted.add(raw);
            return true;
        }
        return false;
    }

    private String fold() {
        onFold.accept(label);
        return OTHER;
    }
}
