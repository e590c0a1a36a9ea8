package dev.koreexporter.poll;

/** What the {@link PollScheduler} runs for one bot: a {@link BotPoller}, or a {@link BotSlot} around one. */
public interface Poller {
    String bot();

    /** Runs one cycle; returns true when nothing is left to catch up (the next cycle waits an interval). */
    boolean runCycle();

    /** Writes the checkpoint now and stops counting: called on shutdown, from another thread. */
    void stopAndCheckpoint();

    /**
     * {@link #stopAndCheckpoint} in two steps, for shutdown: this one stops and checkpoints but keeps what a
     * {@link BotSlot} gives up when it stops (the bot's series, its lock) until {@link #release}, so that what is
     * done in between (the last OTLP push) sees the final counts.
     */
    default void stopKeepingSeries() {
        stopAndCheckpoint();
    }

    /** The second step of {@link #stopKeepingSeries}. */
    default void release() {
    }

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
