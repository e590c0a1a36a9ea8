package dev.koreexporter.simulator.lab;

import dev.koreexporter.kore.Endpoint;

import java.time.Duration;
import java.util.Objects;

/**
 * One fault switched on in a {@link FaultControl}. {@code botId}/{@code endpoint} null mean every bot /
 * every endpoint; {@code count} null means until cleared, otherwise the next {@code count} matching requests.
 * {@code status} is for SERVER_ERROR, {@code delay} for SLOW, {@code skew} for CLOCK_SKEW and
 * {@code retryAfter} for RATE_LIMIT_STORM.
 */
public record Fault(FaultType type, String botId, Endpoint endpoint, Integer count, int status, Duration delay,
                    Duration skew, boolean retryAfter) {
    public Fault {
        Objects.requireNonNull(type, "type");
        delay = delay == null ? Duration.ZERO : delay;
        skew = skew == null ? Duration.ZERO : skew;
        if (count != null && count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        if (type == FaultType.SERVER_ERROR && (status < 500 || status > 599)) {
            throw new IllegalArgumentException("server-error needs a 5xx status");
        }
    }

    public static Fault of(FaultType type) {
        return new Fault(type, null, null, null, type == FaultType.SERVER_ERROR ? 503 : 0, null, null, true);
    }

    public static Fault rateLimitStorm(boolean retryAfter) {
        return of(FaultType.RATE_LIMIT_STORM).withRetryAfter(retryAfter);
    }

    public static Fault serverError(int status) {
        return new Fault(FaultType.SERVER_ERROR, null, null, null, status, null, null, true);
    }

    public static Fault slow(Duration delay) {
        return new Fault(FaultType.SLOW, null, null, null, 0, delay, null, true);
    }

    public static Fault clockSkew(Duration skew) {
        return new Fault(FaultType.CLOCK_SKEW, null, null, null, 0, null, skew, true);
    }

    public Fault forBot(String botId) {
        return new Fault(type, botId, endpoint, count, status, delay, skew, retryAfter);
    }

    public Fault forEndpoint(Endpoint endpoint) {
        return new Fault(type, botId, endpoint, count, status, delay, skew, retryAfter);
    }

    /** Limits the fault to the next {@code n} matching requests. */
    public Fault times(int n) {
        return new Fault(type, botId, endpoint, n, status, delay, skew, retryAfter);
    }

    public Fault withRetryAfter(boolean v) {
        return new Fault(type, botId, endpoint, count, status, delay, skew, v);
    }

    boolean matches(String bot, Endpoint ep) {
        return (botId == null || botId.equals(bot)) && (endpoint == null || endpoint == ep);
    }
}
