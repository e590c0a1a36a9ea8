package dev.koreexporter.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte-size syntax of the config file: a number of bytes, or with a binary unit ({@code 512KiB}, {@code 32MiB}, {@code 1GiB}). */
public final class Sizes {
    /** The hint appended to every "invalid size" message. */
    public static final String SYNTAX = "use a number of bytes or 512KiB, 32MiB, 1GiB";

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");

    private Sizes() {
    }

    /** @throws IllegalArgumentException when {@code text} is not a size */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size: " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        int shift = switch (unit) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        // 12 digits shifted by at most 30 bits stays far below Long.MAX_VALUE.
        return n << shift;
    }

    /** The shortest exact form: {@code 32MiB}, {@code 1536KiB}, {@code 100B}. */
    public static String format(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes > 0 && bytes % (1L << shifts[i]) == 0) {
                return String.format(Locale.ROOT, "%d%s", bytes >> shifts[i], units[i]);
            }
        }
        return bytes + "B";
    }
}
