package dev.koreexporter.poll;

import java.time.Instant;

/**
 * What the health endpoint and landing page show of one bot. {@code lastError} never holds a secret or a
 * user's words: it is built from endpoint names, HTTP statuses and Kore.ai's error messages.
 */
public record BotStatus(String bot,
                        long cyclesCompleted,
                        boolean lastCycleOk,
                        Instant lastSuccess,
                        Instant watermark,
                        String lastError,
                        boolean checkpointOk) {
}
