package dev.koreexporter.poll;

import java.time.Instant;

/**
 * What the health endpoint and landing page show of one bot. {@code lastError} never holds a secret or a
 * user's words: it is built from endpoint names, HTTP statuses, Kore.ai's error messages and file paths.
 * {@code cyclesCompleted} counts cycles, or, for a bot this process does not poll, its attempts to start it.
 */
public record BotStatus(String bot,
                        long cyclesCompleted,
                        boolean lastCycleOk,
                        Instant lastSuccess,
                        Instant watermark,
                        String lastError,
                        boolean checkpointOk,
                        Mode mode) {

    /** Whether this process polls the bot (README "Reliability and security"). */
    public enum Mode {
        /** This process holds the bot's checkpoint lock and polls it. */
        POLLED,
        /** Another process holds the bot's checkpoint lock: this one stands by and retries every cycle. */
        STANDBY,
        /** The bot's checkpoint cannot be used: not polled until the file is deleted (or readable again). */
        STOPPED,
        /**
         * State shared in PostgreSQL: another replica holds the bot's lease (or none does while the database cannot be
         * reached); this one polls it once the bot is placed here and its lease is free (README "Running several
         * replicas").
         */
        ELSEWHERE
    }

    public BotStatus(String bot, long cyclesCompleted, boolean lastCycleOk, Instant lastSuccess, Instant watermark,
                     String lastError, boolean checkpointOk) {
        this(bot, cyclesCompleted, lastCycleOk, lastSuccess, watermark, lastError, checkpointOk, Mode.POLLED);
    }
}
