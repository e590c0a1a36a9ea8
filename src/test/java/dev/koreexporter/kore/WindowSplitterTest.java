package dev.koreexporter.kore;

import dev.koreexporter.model.TimeWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowSplitterTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");

    @Test
    void shortWindowStaysWhole() {
        var w = new TimeWindow(T0.minusSeconds(1200), T0);
        assertEquals(List.of(w), WindowSplitter.split(w));
    }

    @Test
    void longWindowIsSplitIntoContiguousPartsUnderSevenDays() {
        var w = new TimeWindow(T0.minus(Duration.ofDays(15)), T0);
        var parts = WindowSplitter.split(w);
        assertEquals(3, parts.size());
        assertEquals(w.from(), parts.getFirst().from());
        assertEquals(w.to(), parts.getLast().to());
        for (int i = 0; i < parts.size(); i++) {
            assertTrue(parts.get(i).length().compareTo(Duration.ofDays(7)) < 0);
            if (i > 0) {
                assertEquals(parts.get(i - 1).to(), parts.get(i).from());
            }
        }
    }

    @Test
    void exactlySevenDaysNeedsTwoParts() {
        assertEquals(2, WindowSplitter.split(new TimeWindow(T0.minus(Duration.ofDays(7)), T0)).size());
    }

    @Test
    void dayRangesCoverEveryDayOnceAtMostSevenEach() {
        var parts = WindowSplitter.splitDays(new TimeWindow(Instant.parse("2026-11-01T23:00:00Z"),
                Instant.parse("2026-11-16T01:00:00Z")));
        assertEquals(List.of(
                new WindowSplitter.DayRange(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-07")),
                new WindowSplitter.DayRange(LocalDate.parse("2026-11-08"), LocalDate.parse("2026-11-14")),
                new WindowSplitter.DayRange(LocalDate.parse("2026-11-15"), LocalDate.parse("2026-11-16"))), parts);
        assertTrue(parts.stream().allMatch(d -> d.days() <= 7));
    }
}
