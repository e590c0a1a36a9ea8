package dev.koreexporter.kore.dto;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Kore.ai's timestamps, {@code 2026-03-28T12:18:23.438Z}: always UTC, always three fraction digits. The one
 * definition of the wire's date format: requests are written and records read with it.
 */
public final class WireTime {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int LENGTH = "2026-03-28T12:18:23.438Z".length();
    private static final long SECONDS_PER_DAY = 86_400;

    private WireTime() {
    }

    /** The instant as Kore.ai writes times (truncated to the millisecond). */
    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** Same result as {@code Instant.parse(text.strip())}, or null where that throws. */
    static Instant parse(String text) {
        if (text.length() == LENGTH) {
            Instant fast = fast(text.toCharArray(), 0);
            if (fast != null) {
                return fast;
            }
        }
        return slow(text);
    }

    /** As {@link #parse(String)}, for a value still in the JSON parser's buffer. */
    static Instant parse(char[] chars, int offset, int length) {
        if (length == LENGTH) {
            Instant fast = fast(chars, offset);
            if (fast != null) {
                return fast;
            }
        }
        return slow(new String(chars, offset, length));
    }

    /**
     * The one shape every Kore.ai timestamp has, read by hand: {@code Instant.parse} cost about a tenth of
     * the whole ingest path. Null for anything else (other precision, offsets, lower case, blanks, leap
     * seconds, 24:00, dates that do not exist), which {@code Instant.parse} then decides.
     */
    private static Instant fast(char[] c, int o) {
        if (c[o + 4] != '-' || c[o + 7] != '-' || c[o + 10] != 'T' || c[o + 13] != ':' || c[o + 16] != ':'
                || c[o + 19] != '.' || c[o + 23] != 'Z') {
            return null;
        }
        int year = digits(c, o, 4);
        int month = digits(c, o + 5, 2);
        int day = digits(c, o + 8, 2);
        int hour = digits(c, o + 11, 2);
        int minute = digits(c, o + 14, 2);
        int second = digits(c, o + 17, 2);
        int millis = digits(c, o + 20, 3);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour >= 24 || minute < 0 || minute >= 60
                || second < 0 || second >= 60 || millis < 0) {
            return null;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second,
                    millis * 1_000_000L);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Instant slow(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The ASCII digits at {@code [from, from + count)} as a number, or -1 if one is not a digit. */
    private static int digits(char[] c, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            if (c[i] < '0' || c[i] > '9') {
                return -1;
            }
            value = value * 10 + (c[i] - '0');
        }
        return value;
    }
}
