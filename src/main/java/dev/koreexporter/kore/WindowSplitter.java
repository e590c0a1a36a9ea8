package dev.koreexporter.kore;

import dev.koreexporter.model.TimeWindow;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits windows the Kore.ai APIs would refuse (dateTo - dateFrom must be under 7 days) into consecutive
 * ones they accept.
 */
final class WindowSplitter {
    /** A minute under the limit, so that rounding on either side cannot turn a window into 7 days. */
    static final Duration MAX_WINDOW = Duration.ofDays(7).minusMinutes(1);
    /** Agent AI takes whole days, both inclusive: at most 7 calendar days from {@code from} to {@code to}. */
    static final int MAX_DAY_SPAN = 6;

    private WindowSplitter() {
    }

    /**
     * Consecutive windows, each at most {@link #MAX_WINDOW} long, covering {@code window} exactly:
     * each one starts where the previous ended (the bounds are inclusive, so only that instant is read twice).
     */
    static List<TimeWindow> split(TimeWindow window) {
        List<TimeWindow> parts = new ArrayList<>();
        var from = window.from();
        do {
            var to = from.plus(MAX_WINDOW).isBefore(window.to()) ? from.plus(MAX_WINDOW) : window.to();
            parts.add(new TimeWindow(from, to));
            from = to;
        } while (from.isBefore(window.to()));
        return parts;
    }

    /** Whole UTC days {@code [from, to]} covering {@code window}, at most 7 days each, no day twice. */
    static List<DayRange> splitDays(TimeWindow window) {
        LocalDate last = LocalDate.ofInstant(window.to(), ZoneOffset.UTC);
        List<DayRange> parts = new ArrayList<>();
        for (LocalDate from = LocalDate.ofInstant(window.from(), ZoneOffset.UTC); !from.isAfter(last); ) {
            LocalDate to = from.plusDays(MAX_DAY_SPAN).isBefore(last) ? from.plusDays(MAX_DAY_SPAN) : last;
            parts.add(new DayRange(from, to));
            from = to.plusDays(1);
        }
        return parts;
    }

    record DayRange(LocalDate from, LocalDate to) {
        long days() {
            return ChronoUnit.DAYS.between(from, to) + 1;
        }

        /** From the start of the first day to the start of the last (both UTC): what a request for the range names. */
        TimeWindow window() {
            return new TimeWindow(from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    to.atStartOfDay(ZoneOffset.UTC).toInstant());
        }
    }
}
