package dev.koreexporter.kore;

import java.time.Duration;

/**
 * How long and how often a call is retried.
 *
 * @param maxThrottled        429 answers one call may get; the {@code maxThrottled}-th one fails it
 * @param maxTransientRetries retries after 5xx, timeouts and connection errors (so this + 1 attempts)
 * @param maxTruncatedRetries retries after a 2xx body that ended early (counted apart from the transient ones)
 * @param base                first backoff ceiling; doubles per retry
 * @param cap                 backoff ceiling
 * @param maxRetryAfter       longest {@code Retry-After} honoured; longer values are cut to this
 */
public record RetryPolicy(int maxThrottled, int maxTransientRetries, int maxTruncatedRetries,
                          Duration base, Duration cap, Duration maxRetryAfter) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(8, 3, 2,
            Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10));

    public RetryPolicy {
        if (maxThrottled < 1 || maxTransientRetries < 0 || maxTruncatedRetries < 0) {
            throw new IllegalArgumentException("retry counts out of range");
        }
    }

    /**
     * Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(retry-1))), so that clients
     * throttled together do not retry together.
     *
     * @param retry  1 for the first retry
     * @param jitter uniform in [0, 1)
     */
    public Duration backoff(int retry, double jitter) {
        long ceiling = base.toMillis() << Math.min(Math.max(retry - 1, 0), 30);
        ceiling = Math.min(ceiling, cap.toMillis());
        return Duration.ofMillis((long) (ceiling * Math.min(Math.max(jitter, 0), 1)));
    }
}
