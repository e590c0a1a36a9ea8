package dev.koreexporter.poll;

import dev.koreexporter.model.TimeWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The windows the planner plans, exactly: lookback 20 min, interval 30 s, so a costly stream sweeps every 2.5 min. */
class SweepPlannerTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant FLOOR = NOW.minus(Duration.ofHours(1));
    private final SweepPlanner planner = new SweepPlanner(Duration.ofMinutes(20), Duration.ofSeconds(30));

    private static Instant at(String time) {
        return Instant.parse("2026-11-20T" + time + "Z");
    }

    private static TimeWindow window(String from, String to) {
        return new TimeWindow(at(from), at(to));
    }

    private static SweepPlanner.Sweep sweep(String at, String end, int records) {
        return new SweepPlanner.Sweep(at(at), at(end), records);
    }

    private List<SweepPlanner.Read> plan(SweepPlanner.StreamState... streams) {
        return planner.plan(NOW, FLOOR, List.of(streams));
    }

    @Test
    void theFirstReadBackfillsFromTheFloorInStepsOfSixHours() {
        Instant longAgo = NOW.minus(Duration.ofDays(2));
        var reads = planner.plan(NOW, longAgo, List.of(new SweepPlanner.StreamState("sessions", 100, longAgo, null, null)));
        assertEquals(List.of(new SweepPlanner.Read("sessions",
                new TimeWindow(longAgo, longAgo.plus(Duration.ofHours(6))), true, true)), reads);
    }

    @Test
    void aFirstReadCoversTheLookbackBeforeTheWatermarkUpToNow() {
        var reads = plan(new SweepPlanner.StreamState("messages:korevg", 10_000, at("09:59:30"), null, null));
        assertEquals(List.of(new SweepPlanner.Read("messages:korevg", window("09:39:30", "10:00:00"), true, true)),
                reads);
    }

    @Test
    void aQuietStreamSweepsEveryCycleFromALookbackBeforeItsLastSweep() {
        var reads = plan(new SweepPlanner.StreamState("sessions", 100, at("09:59:30"),
                sweep("09:59:30", "09:59:30", 300), at("09:59:30")));
        // 300 records = three pages of 100: still cheap. Follow-ups waited less than lookback / 8: not due.
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:39:30", "10:00:00"), true, false)), reads);
    }

    @Test
    void aCostlyStreamBetweenSweepsReadsFromOneIntervalBeforeItsWatermark() {
        var reads = plan(new SweepPlanner.StreamState("conversations", 20, at("09:59:30"),
                sweep("09:58:00", "09:58:00", 61), at("09:58:00")));
        assertEquals(List.of(new SweepPlanner.Read("conversations", window("09:59:00", "10:00:00"), false, false)),
                reads);
    }

    @Test
    void aCostlyStreamDueSweepsFromALookbackBeforeItsPreviousSweepAndFollowsUp() {
        var reads = plan(new SweepPlanner.StreamState("sessions", 100, at("09:59:30"),
                sweep("09:57:30", "09:57:30", 5_000), at("09:57:30")));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:37:30", "10:00:00"), true, true)), reads);
    }

    @Test
    void ofTwoCostlyStreamsDueOnlyTheMostOverdueSweeps() {
        var reads = plan(
                new SweepPlanner.StreamState("sessions", 100, at("09:59:30"), sweep("09:57:00", "09:57:00", 5_000), null),
                new SweepPlanner.StreamState("conversations", 20, at("09:59:30"), sweep("09:56:30", "09:56:30", 500), null));
        assertEquals(List.of(
                new SweepPlanner.Read("sessions", window("09:59:00", "10:00:00"), false, false),
                new SweepPlanner.Read("conversations", window("09:36:30", "10:00:00"), true, true)), reads);
    }

    @Test
    void aStreamCatchingUpAlwaysSweepsAndTheClockBehindTheWatermarkReadsNothing() {
        Instant sixHoursBack = NOW.minus(Duration.ofHours(7));
        var reads = planner.plan(NOW, sixHoursBack.minus(Duration.ofHours(1)), List.of(
                new SweepPlanner.StreamState("sessions", 100, sixHoursBack, sweep("02:00:00", "03:00:00", 9_000),
                        null),
                new SweepPlanner.StreamState("messages:korevg", 10_000, NOW.plus(Duration.ofMinutes(30)),
                        sweep("09:59:30", "10:30:00", 1), null)));
        assertEquals(List.of(new SweepPlanner.Read("sessions", new TimeWindow(
                at("02:40:00"), sixHoursBack.plus(Duration.ofHours(6))), true, true)), reads);
    }

    @Test
    void afterTheClockSteppedBackACostlyStreamStillReadsAWindowEndingNow() {
        var reads = plan(new SweepPlanner.StreamState("sessions", 100, at("10:02:00"),
                sweep("09:59:00", "10:02:00", 5_000), null));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("10:00:00", "10:00:00"), false, false)),
                reads);
    }

    @Test
    void idsAreKeptFromALookbackBeforeTheLastSweepsEnd() {
        assertEquals(at("09:40:00"), planner.keepIdsFrom(sweep("09:59:00", "10:00:00", 1)));
    }
}
