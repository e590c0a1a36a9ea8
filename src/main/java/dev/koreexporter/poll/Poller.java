package dev.koreexporter.poll;

/** What the {@link PollScheduler} runs for one bot: a {@link BotPoller}, or a {@link BotSlot} around one. */
public interface Poller {
    String bot();

    /** Runs one cycle; returns true when nothing is left to catch up (the next cycle waits an interval). */
    boolean runCycle();

    /** Writes the checkpoint now and stops counting: called on shutdown, from another thread. */
    void stopAndCheckpoint();

    BotStatus status();

    /**
     * A count that grows with every sign of progress: an answer from Kore.ai, a page counted. The scheduler calls a
     * poller stuck only when it stays the same, and no cycle finishes, for too long (README "Reliability and
     * security"); a long cycle that makes progress is never stuck.
     */
    default long progress() {
        return 0;
    }
}
