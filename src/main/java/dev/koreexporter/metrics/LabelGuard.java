package dev.koreexporter.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Bounds the values of one label, per bot (README, "Metrics"): each bot's first {@code limit} distinct values
 * pass, later new values become {@code other}, as does any value longer than {@link #MAX_LENGTH} characters;
 * missing ones are {@code unknown}. {@code other} and {@code unknown} take no slot. A budget per bot means one
 * noisy bot can never push another bot's values into {@code other}; the number of bots is configured, so the
 * budgets are bounded too. Folding only renames: the record is still counted, so sums stay exact.
 */
final class LabelGuard {
    static final String OTHER = "other";
    static final String UNKNOWN = "unknown";
    /** A longer value is no language or provider name; it would repeat on every line of every scrape. */
    static final int MAX_LENGTH = 64;

    private final String label;
    private final int limit;
    private final ConcurrentHashMap<String, Set<String>> admitted = new ConcurrentHashMap<>();
    private final Consumer<String> onFold;

    LabelGuard(String label, int limit, Consumer<String> onFold) {
        this.label = label;
        this.limit = limit;
        this.onFold = onFold;
    }

    /** The value exported for {@code raw} as a label of {@code bot}'s series. */
    String value(String bot, String raw) {
        if (raw == null || raw.isBlank()) {
            return UNKNOWN;
        }
        if (raw.equals(OTHER) || raw.equals(UNKNOWN)) {
            return raw;
        }
        Set<String> values = admitted.get(bot);
        if (values == null) {
            values = admitted.computeIfAbsent(bot, b -> ConcurrentHashMap.newKeySet());
        }
        if (values.contains(raw)) {
            return raw;
        }
        return raw.length() <= MAX_LENGTH && admit(values, raw) ? raw : fold();
    }

    /**
     * Takes a slot for a value the bot's restored series already carry (README "Reliability and security"), so
     * the bot keeps its first values across a restart; nothing is counted as folded.
     */
    void remember(String bot, String value) {
        if (value != null && !value.equals(OTHER) && !value.equals(UNKNOWN) && value.length() <= MAX_LENGTH) {
            admit(admitted.computeIfAbsent(bot, b -> ConcurrentHashMap.newKeySet()), value);
        }
    }

    /** Forgets the bot's values: it is no longer polled here. */
    void forget(String bot) {
        admitted.remove(bot);
    }

    /** Locked (only new values get here) so that racing pollers never admit past the limit. */
    private boolean admit(Set<String> values, String raw) {
        synchronized (values) {
            if (values.contains(raw) || values.size() < limit) {
                values.add(raw);
                return true;
            }
            return false;
        }
    }

    private String fold() {
        onFold.accept(label);
        return OTHER;
    }
}
