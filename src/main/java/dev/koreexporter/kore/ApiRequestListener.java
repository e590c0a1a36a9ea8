package dev.koreexporter.kore;

import java.time.Duration;

/**
 * Told about every HTTP request one bot's client sends, so the caller can count them without the client
 * knowing about metrics.
 */
@FunctionalInterface
public interface ApiRequestListener {
    /**
     * @param code the HTTP status as a string, or {@code "error"} when no response arrived
     */
    void requestCompleted(Endpoint endpoint, String code, Duration duration);

    /** A 429 answer. Called in addition to {@link #requestCompleted}. */
    default void throttled(Endpoint endpoint) {
    }

    ApiRequestListener NONE = (endpoint, code, duration) -> {
    };
}
