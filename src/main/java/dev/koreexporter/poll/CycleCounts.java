package dev.koreexporter.poll;

import dev.koreexporter.model.RecordKind;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** What one poll cycle of one bot counted, for its log line. */
final class CycleCounts {
    private static final Set<RecordKind> NAMED = EnumSet.of(RecordKind.MESSAGE, RecordKind.SESSION,
            RecordKind.CONVERSATION);

    private final Map<RecordKind, Integer> counted = new EnumMap<>(RecordKind.class);
    int turns;
    int duplicates;
    /** Developer records left out (README, "How it reads Kore.ai"). */
    int excluded;

    void counted(RecordKind kind) {
        counted.merge(kind, 1, Integer::sum);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder().append(count(RecordKind.MESSAGE)).append(" messages (").append(turns)
                .append(" turns), ").append(count(RecordKind.SESSION)).append(" sessions closed, ")
                .append(count(RecordKind.CONVERSATION)).append(" conversations, ");
        // Any other kind by its label, so a new kind shows here without a change.
        counted.forEach((kind, n) -> {
            if (!NAMED.contains(kind)) {
                out.append(n).append(' ').append(kind.label()).append(", ");
            }
        });
        out.append(duplicates).append(" duplicates dropped");
        return excluded > 0 ? out.append(", ").append(excluded).append(" developer records excluded").toString()
                : out.toString();
    }

    private int count(RecordKind kind) {
        return counted.getOrDefault(kind, 0);
    }
}
