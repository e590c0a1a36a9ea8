package dev.koreexporter.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/** Text for the status page: escaping of everything dynamic, and numbers people read at a glance. */
final class HtmlText {
    static final String DASH = "\u2013";
    /** A JSON Web Token (three base64url parts, the first a JSON object): never shown, whatever carried it. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*)?");
    private static final int MAX_ERROR_CHARS = 400;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private HtmlText() {
    }

    /** Safe in element content and in quoted attribute values. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return out.toString();
    }

    /** An error message as shown: token-like strings removed (defence in depth), shortened, escaped. */
    static String error(String message) {
        String s = JWT.matcher(message).replaceAll("[token removed]");
        if (s.length() > MAX_ERROR_CHARS) {
            s = s.substring(0, MAX_ERROR_CHARS) + "\u2026";
        }
        return escape(s);
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    /** The time of day when {@code t} is on the same (UTC) day as {@code now}, else the date too. */
    static String timeSeenFrom(Instant t, Instant now) {
        boolean sameDay = t.atOffset(ZoneOffset.UTC).toLocalDate().equals(now.atOffset(ZoneOffset.UTC).toLocalDate());
        return sameDay ? CLOCK.format(t) : time(t);
    }

    /** "42 s", "3 min 20 s", "2 h 05 min", "3 d 4 h". */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 90) {
            return s + " s";
        }
        if (s < 3600) {
            return s % 60 == 0 || s >= 600 ? Math.round(s / 60.0) + " min" : s / 60 + " min " + s % 60 + " s";
        }
        if (s < 86_400 * 2) {
            return s / 3600 + " h " + String.format(Locale.ROOT, "%02d", s % 3600 / 60) + " min";
        }
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }

    static String duration(OptionalDouble seconds) {
        return seconds.isPresent() ? duration(seconds.getAsDouble()) : DASH;
    }

    /** A latency: "850 ms" under a second, else "1.25 s". */
    static String latency(OptionalDouble seconds) {
        if (seconds.isEmpty()) {
            return DASH;
        }
        double v = seconds.getAsDouble();
        return v < 1 ? Math.round(v * 1000) + " ms" : String.format(Locale.ROOT, "%.2f s", v);
    }

    /** A ratio 0..1 as a percentage: one decimal under 10 %, whole numbers above. */
    static String percent(OptionalDouble ratio) {
        if (ratio.isEmpty()) {
            return DASH;
        }
        double p = ratio.getAsDouble() * 100;
        return (p < 10 ? String.format(Locale.ROOT, "%.1f", p) : String.valueOf(Math.round(p))) + "%";
    }

    static String rate(OptionalDouble perMinute) {
        return perMinute.isPresent() ? String.format(Locale.ROOT, "%.1f", perMinute.getAsDouble()) : DASH;
    }
}
