package dev.koreexporter.poll;

/**
 * Which bots this replica polls when replicas share their state and each bot is polled under a lease (README "Running
 * several replicas"). Asked from any thread.
 */
public interface Ownership {
    /**
     * Whether this replica holds the bot's lease now, by its own monotonic clock, and keeps it: only then is the bot
     * polled here and its series exported.
     */
    boolean holds(String bot);

    /** Whether the bot's lease is still held here, to be handed to the replica the bot is placed on now. */
    boolean leaving(String bot);

    /**
     * The bot is no longer polled here: its final checkpoint is written (a hand-over) or its lease is lost. Gives the
     * lease up, so that its new replica takes it at once.
     */
    void release(String bot);

    /** Why this replica cannot poll any bot now (the shared state cannot be reached), or null. */
    String problem();
}
