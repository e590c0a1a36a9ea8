package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The date bounds of a request, inclusive: {@code YYYY-MM-DD} or an ISO date-time; a bare-date upper
 * bound means that whole day (UTC).
 */
record DateWindow(long fromMs, long toMs) {
    private static final Duration WEEK = Duration.ofDays(7);

    /**
     * The conversation-history and sessions rules: a missing bound is 7 days from the other, a missing
     * dateTo with no dateFrom is now, and two given bounds must be less than 7 days apart.
     */
    static DateWindow parse(JsonNode body, String fromKey, String toKey, Instant now) {
        String fromText = text(body, fromKey);
        String toText = text(body, toKey);
        if (fromText != null && toText != null) {
            DateWindow w = new DateWindow(start(fromKey, fromText), end(toKey, toText));
            if (w.toMs - w.fromMs >= WEEK.toMillis()) {
                throw new ApiError(400, "The duration between " + fromKey + " and " + toKey + " should be less than 7 days");
            }
            return w.ordered(fromKey, toKey);
        }
        if (fromText != null) {
            long from = start(fromKey, fromText);
            return new DateWindow(from, from + WEEK.toMillis());
        }
        long to = toText != null ? end(toKey, toText) : now.toEpochMilli();
        return new DateWindow(to - WEEK.toMillis(), to);
    }

    /** The Agent AI rule: both bounds required, at most 7 days (inclusive, whole days for bare dates). */
    static DateWindow parseRequired(JsonNode body, String fromKey, String toKey) {
        String fromText = text(body, fromKey);
        String toText = text(body, toKey);
        if (fromText == null || toText == null) {
            throw new ApiError(400, fromKey + " and " + toKey + " are required");
        }
        DateWindow w = new DateWindow(start(fromKey, fromText), end(toKey, toText));
        if (w.toMs - w.fromMs >= WEEK.toMillis()) {
            throw new ApiError(400, "The maximum duration supported for the date range is 7 days");
        }
        return w.ordered(fromKey, toKey);
    }

    private DateWindow ordered(String fromKey, String toKey) {
        if (toMs < fromMs) {
            throw new ApiError(400, toKey + " is before " + fromKey);
        }
        return this;
    }

    private static String text(JsonNode body, String key) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new ApiError(400, "Invalid " + key);
        }
        return n.asText().trim();
    }

    private static long start(String key, String text) {
        if (text.length() == 10) {
            return date(key, text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }
        return dateTime(key, text);
    }

    private static long end(String key, String text) {
        if (text.length() == 10) {
            return date(key, text).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - 1;
        }
        return dateTime(key, text);
    }

    private static LocalDate date(String key, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "Invalid " + key + ": expected yyyy-mm-dd or yyyy-mm-ddThh:mm:ss.msZ");
        }
    }

    private static long dateTime(String key, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "Invalid " + key + ": expected yyyy-mm-dd or yyyy-mm-ddThh:mm:ss.msZ");
        }
    }
}
