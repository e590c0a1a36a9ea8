package dev.koreexporter.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Duration syntax of the config file: Prometheus style ({@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 7d}, also combined as {@code 1h30m}) or ISO-8601 ({@code PT30S}, {@code P7D}).
 */
public final class Durations {
    /** The hint appended to every "invalid duration" message. */
    public static final String SYNTAX = "use 500ms, 30s, 5m, 1h, 7d or ISO-8601 such as PT30S";

    private static final Pattern SHORT = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws IllegalArgumentException when {@code text} is neither form */
    public static Duration parse(String text) {
        String t = text.strip();
        if (SHORT.matcher(t).matches()) {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(t);
            try {
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    total = total.plus(switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
                }
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("duration too large: " + text);
            }
            return total;
        }
        if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p' || t.charAt(0) == '-')) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid duration: " + text);
            }
        }
        throw new IllegalArgumentException("invalid duration: " + text);
    }

    /** Formats in the short syntax ({@code 1h30m}), the inverse of {@link #parse} for whole milliseconds. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder(d.isNegative() ? "-" : "");
        Duration a = d.abs();
        long[] parts = {a.toDaysPart(), a.toHoursPart(), a.toMinutesPart(), a.toSecondsPart(), a.toMillisPart()};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != 0) {
                sb.append(parts[i]).append(units[i]);
            }
        }
        return sb.toString();
    }
}
