package dev.koreexporter.kore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Kore.ai's own time, as its {@code Date} response headers tell it, for one bot (README "How it reads
 * Kore.ai"). A window read completely is read up to Kore.ai's time at most, so a local clock running fast
 * cannot move the watermark past what Kore.ai has. Thread-safe.
 */
public final class ServerClock {
    /**
     * A header further than this from the local clock is taken for a broken one, not a clock error: the
     * longest lookback is a day, and no sane clock is a day off.
     */
    static final Duration MAX_SKEW = Duration.ofDays(1);
    /** {@code Date} has whole seconds: the server's time is up to a second later than it says. */
    private static final Duration RESOLUTION = Duration.ofSeconds(1);

    private volatile Instant latest;

    /** Notes a {@code Date} header (RFC 1123) that arrived at local time {@code localAt}; null or unreadable is ignored. */
    void observe(String header, Instant localAt) {
        observe(header == null ? null : parse(header), localAt);
    }

    void observe(Instant date, Instant localAt) {
        if (date == null || Duration.between(localAt, date).abs().compareTo(MAX_SKEW) > 0) {
            return;
        }
        latest = date.plus(RESOLUTION);
    }

    /** Kore.ai's time at its latest answer (rounded up to the second); empty before any {@code Date}. */
    public Optional<Instant> latest() {
        return Optional.ofNullable(latest);
    }

    /** A {@code Date} header (RFC 1123) as an instant; null when unreadable. */
    static Instant parse(String header) {
        try {
            return ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code local}, or Kore.ai's latest time while {@code local} is behind it. */
    Clock notBehind(Clock local) {
        return new Clock() {
            @Override
            public Instant instant() {
                Instant now = local.instant();
                Instant server = latest;
                return server != null && server.isAfter(now) ? server : now;
            }

            @Override
            public ZoneId getZone() {
                return local.getZone();
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return notBehind(local.withZone(zone));
            }
        };
    }
}
