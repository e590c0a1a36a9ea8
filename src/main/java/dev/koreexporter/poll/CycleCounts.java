package dev.koreexporter.poll;

import dev.koreexporter.model.RecordKind;

import java.util.EnumMap;
import java.util.Map;

/** What one poll cycle of one bot counted, for its log line. */
final class CycleCounts {
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
        return count(RecordKind.MESSAGE) + " messages (" + turns + " turns), " + count(RecordKind.SESSION)
                + " sessions closed, " + count(RecordKind.CONVERSATION) + " conversations, " + duplicates
                + " duplicates dropped" + (excluded > 0 ? ", " + excluded + " developer records excluded" : "");
    }

    private int count(RecordKind kind) {
        return counted.getOrDefault(kind, 0);
    }
}
