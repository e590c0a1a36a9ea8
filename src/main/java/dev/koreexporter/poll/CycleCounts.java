package dev.koreexporter.poll;

/** What one poll cycle of one bot counted, for its log line. */
final class CycleCounts {
    int messages;
    int turns;
    int sessions;
    int conversations;
    int duplicates;
    /** Developer records left out (README, "How it reads Kore.ai"). */
    int excluded;
    int counted;

    @Override
    public String toString() {
        return messages + " messages (" + turns + " turns), " + sessions + " sessions closed, "
                + conversations + " conversations, " + duplicates + " duplicates dropped"
                + (excluded > 0 ? ", " + excluded + " developer records excluded" : "");
    }
}
