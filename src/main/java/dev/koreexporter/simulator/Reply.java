package dev.koreexporter.simulator;

/**
 * An answer without records: {@code {"errors":[{"msg":...,"code":status}]}}, with a {@code Retry-After} header
 * when {@code retryAfterSeconds} is positive.
 */
public record Reply(int status, String message, long retryAfterSeconds) {
    public static Reply error(int status, String message) {
        return new Reply(status, message, 0);
    }

    /** 429; {@code retryAfterSeconds} 0 sends no {@code Retry-After}. */
    public static Reply tooManyRequests(long retryAfterSeconds) {
        return new Reply(429, "Too many requests", retryAfterSeconds);
    }
}
