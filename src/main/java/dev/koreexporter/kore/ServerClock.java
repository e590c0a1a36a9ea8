package dev.koreexporter.kore;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Kore.ai's own time, as its {@code Date} response headers tell it, for one bot (README "How it reads
 * Kore.ai"): the newest header seen, advanced by the local time elapsed since it arrived. Windows never end
 * after it, so a local clock running fast cannot move the watermark past what Kore.ai has. Thread-safe.
 */
public final class ServerClock {
    /**
     * A header further than this from the local clock is taken for a broken one, not a clock error: the
     * longest lookback is a day, and no sane clock is a day off.
     */
    static final Duration MAX_SKEW = Duration.ofDays(1);
    /** {@code Date} has whole seconds: the server's time is up to a second later than it says. */
    private static final Duration RESOLUTION = Duration.ofSeconds(1);

    private record Reading(Instant date, Instant localAt) {
    }

    private volatile Reading latest;

    /** Notes a {@code Date} header that arrived at local time {@code localAt}. */
    void observe(Instant date, Instant localAt) {
        if (date == null || Duration.between(localAt, date).abs().compareTo(MAX_SKEW) > 0) {
            return;
        }
        synchronized (this) {
            Reading r = latest;
            // A newer header, or the local clock stepped back since the last one: its elapsed time restarts.
            if (r == null || !date.isBefore(r.date()) || localAt.isBefore(r.localAt())) {
                latest = new Reading(date, localAt);
            }
        }
    }

    /**
     * Kore.ai's time at local time {@code localNow}, at most a second late; empty before any {@code Date}.
     * Local time elapsed since the newest header counts; when the local clock is behind the moment that
     * header arrived (it stepped back), no time has elapsed.
     */
    public Optional<Instant> now(Instant localNow) {
        Reading r = latest;
        if (r == null) {
            return Optional.empty();
        }
        Duration elapsed = Duration.between(r.localAt(), localNow);
        return Optional.of(r.date().plus(RESOLUTION).plus(elapsed.isNegative() ? Duration.ZERO : elapsed));
    }
}
