package dev.koreexporter.poll;

import dev.koreexporter.model.TimeWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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

    private static SweepPlanner.StreamState state(String key, int pageSize, Instant watermark, SweepPlanner.Sweep last) {
        return new SweepPlanner.StreamState(key, pageSize, FLOOR, watermark, last);
    }

    private List<SweepPlanner.Read> plan(SweepPlanner.StreamState... streams) {
        return planner.plan(NOW, List.of(streams));
    }

    @Test
    void theFirstReadBackfillsFromTheFloorInStepsOfSixHours() {
        Instant longAgo = NOW.minus(Duration.ofDays(2));
        var reads = planner.plan(NOW, List.of(new SweepPlanner.StreamState("sessions", 100, longAgo, longAgo, null)));
        assertEquals(List.of(new SweepPlanner.Read("sessions",
                new TimeWindow(longAgo, longAgo.plus(Duration.ofHours(6))), true)), reads);
    }

    @Test
    void aFirstReadCoversTheLookbackBeforeTheWatermarkUpToNow() {
        var reads = plan(state("messages:korevg", 10_000, at("09:59:30"), null));
        assertEquals(List.of(new SweepPlanner.Read("messages:korevg", window("09:39:30", "10:00:00"), true)), reads);
    }

    @Test
    void aQuietStreamSweepsEveryCycleFromALookbackBeforeItsLastSweep() {
        var reads = plan(state("sessions", 100, at("09:59:30"), sweep("09:59:30", "09:59:30", 300)));
        // 300 records = three pages of 100: still cheap.
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:39:30", "10:00:00"), true)), reads);
    }

    @Test
    void aCostlyStreamBetweenSweepsReadsFromOneIntervalBeforeItsWatermark() {
        var reads = plan(state("conversations", 20, at("09:59:30"), sweep("09:58:00", "09:58:00", 61)));
        assertEquals(List.of(new SweepPlanner.Read("conversations", window("09:59:00", "10:00:00"), false)), reads);
    }

    @Test
    void aCostlyStreamDueSweepsFromALookbackBeforeItsPreviousSweep() {
        var reads = plan(state("sessions", 100, at("09:59:30"), sweep("09:57:30", "09:57:30", 5_000)));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:37:30", "10:00:00"), true)), reads);
    }

    @Test
    void ofTwoCostlyStreamsDueOnlyTheMostOverdueSweeps() {
        var reads = plan(
                state("sessions", 100, at("09:59:30"), sweep("09:57:00", "09:57:00", 5_000)),
                state("conversations", 20, at("09:59:30"), sweep("09:56:30", "09:56:30", 500)));
        assertEquals(List.of(
                new SweepPlanner.Read("sessions", window("09:59:00", "10:00:00"), false),
                new SweepPlanner.Read("conversations", window("09:36:30", "10:00:00"), true)), reads);
    }

    @Test
    void aStreamCatchingUpAlwaysSweepsAndTheClockBehindTheWatermarkReadsNothing() {
        Instant sixHoursBack = NOW.minus(Duration.ofHours(7));
        Instant floor = sixHoursBack.minus(Duration.ofHours(1));
        var reads = planner.plan(NOW, List.of(
                new SweepPlanner.StreamState("sessions", 100, floor, sixHoursBack, sweep("02:00:00", "03:00:00", 9_000)),
                new SweepPlanner.StreamState("messages:korevg", 10_000, floor, NOW.plus(Duration.ofMinutes(30)),
                        sweep("09:59:30", "10:30:00", 1))));
        assertEquals(List.of(new SweepPlanner.Read("sessions", new TimeWindow(
                at("02:40:00"), sixHoursBack.plus(Duration.ofHours(6))), true)), reads);
    }

    @Test
    void afterTheClockSteppedBackACostlyStreamStillReadsAWindowEndingNow() {
        var reads = plan(state("sessions", 100, at("10:02:00"), sweep("09:59:00", "10:02:00", 5_000)));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("10:00:00", "10:00:00"), false)), reads);
    }

    @Test
    void idsAreKeptFromALookbackBeforeTheLastSweepsEnd() {
        assertEquals(at("09:40:00"), planner.keepIdsFrom("messages:korevg", sweep("09:59:00", "10:00:00", 1)));
    }

    @Test
    void theTallyCountsOnlyTheRecordsWithinALookbackOfTheWindowEnd() {
        var read = new SweepPlanner.Read("sessions", window("09:00:00", "10:00:00"), true);
        SweepPlanner.Tally tally = planner.tally(read);
        tally.add(at("09:39:59.999"));
        tally.add(at("09:40:00"));
        tally.add(at("10:00:00"));
        tally.add(at("10:00:00.001"));
        tally.add(null);
        assertEquals(sweep("10:00:00", "10:00:00", 2), tally.sweep(NOW));
    }

    @Test
    void aWindowShorterThanTheLookbackTalliesFromItsStart() {
        SweepPlanner.Tally tally = planner.tally(new SweepPlanner.Read("sessions", window("09:50:00", "10:00:00"), true));
        tally.add(at("09:45:00"));
        tally.add(at("09:50:00"));
        assertEquals(1, tally.sweep(NOW).records());
    }

    /**
     * The reported symptom: a backfill hour of 744 sessions (7.4 pages of 100) with only 200 in the lookback.
     * Judged by all the backfill returned, the stream was busy and swept only every 2.5 min; judged by its
     * lookback it is quiet and sweeps every cycle.
     */
    @Test
    void afterABackfillOfManyPagesButFewRecordsInTheLookbackEveryCycleReadsTheFullLookback() {
        Instant start = at("10:00:00");
        var backfill = planner.plan(start, List.of(state("sessions", 100, FLOOR, null)));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:00:00", "10:00:00"), true)), backfill);
        SweepPlanner.Tally tally = planner.tally(backfill.get(0));
        for (int i = 0; i < 744; i++) {
            // 544 sessions in the first 40 minutes, 200 in the lookback.
            tally.add(i < 544 ? FLOOR.plusMillis(i * 4_400L) : at("09:40:00").plusSeconds((i - 544) * 6L));
        }
        SweepPlanner.Sweep last = tally.sweep(start);
        assertEquals(200, last.records());
        for (int cycle = 1; cycle <= 10; cycle++) {
            Instant now = start.plusSeconds(30L * cycle);
            Instant watermark = now.minusSeconds(30);
            var reads = planner.plan(now, List.of(state("sessions", 100, watermark, last)));
            assertEquals(List.of(new SweepPlanner.Read("sessions", new TimeWindow(watermark.minus(Duration.ofMinutes(20)),
                    now), true)), reads, "cycle " + cycle);
            last = new SweepPlanner.Sweep(now, now, 200);
        }
    }

    @Test
    void aCatchUpStepEndingNowJudgesBusyByItsLookbackOnly() {
        // After an outage from 07:00: one 3 h step that returned 9,000 sessions, 250 of them in its last 20 minutes.
        var step = new SweepPlanner.Read("sessions", window("06:40:00", "10:00:00"), true);
        SweepPlanner.Tally tally = planner.tally(step);
        for (int i = 0; i < 9_000; i++) {
            tally.add(i < 250 ? at("09:40:00").plusSeconds(i * 4L) : at("06:40:00").plusSeconds(i % 10_000));
        }
        var reads = planner.plan(at("10:00:30"), List.of(new SweepPlanner.StreamState("sessions", 100,
                FLOOR.minus(Duration.ofHours(6)), at("10:00:00"), tally.sweep(at("09:59:00")))));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:40:00", "10:00:30"), true)), reads);
    }

    @Test
    void theSweepIntervalSetsHowOftenACostlyStreamSweeps() {
        SweepPlanner slow = new SweepPlanner(Duration.ofMinutes(20), Duration.ofSeconds(30), Duration.ofMinutes(10));
        var state = state("sessions", 100, at("09:59:30"), sweep("09:50:30", "09:50:30", 5_000));
        // 9.5 min after the last sweep: not yet due with 10 min (it would be with the default 2.5 min).
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:59:00", "10:00:00"), false)),
                slow.plan(NOW, List.of(state)));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:30:30", "10:00:00"), true)),
                planner.plan(NOW, List.of(state)));
        var due = state("sessions", 100, at("09:59:30"), sweep("09:50:00", "09:50:00", 5_000));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:30:00", "10:00:00"), true)),
                slow.plan(NOW, List.of(due)));
    }

    /** Sessions re-read their session horizon (1 h), the other streams the lookback (20 min). */
    @Test
    void aStreamWithALookbackOfItsOwnReReadsAndTalliesAndKeepsIdsThatFarBack() {
        SweepPlanner horizon = new SweepPlanner(Duration.ofMinutes(20), Duration.ofSeconds(30),
                Duration.ofMinutes(2).plusSeconds(30), Map.of("sessions", Duration.ofHours(1)));
        Instant floor = NOW.minus(Duration.ofHours(3));
        var reads = horizon.plan(NOW, List.of(
                new SweepPlanner.StreamState("sessions", 1_000, floor, at("09:59:30"), sweep("09:59:30", "09:59:30", 40)),
                new SweepPlanner.StreamState("messages:korevg", 10_000, floor, at("09:59:30"),
                        sweep("09:59:30", "09:59:30", 40))));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("08:59:30", "10:00:00"), true),
                new SweepPlanner.Read("messages:korevg", window("09:39:30", "10:00:00"), true)), reads);
        assertEquals(at("09:00:00"), horizon.keepIdsFrom("sessions", sweep("09:59:00", "10:00:00", 1)));
        SweepPlanner.Tally tally = horizon.tally(reads.getFirst());
        tally.add(at("09:00:00"));
        tally.add(at("08:59:00"));
        assertEquals(1, tally.sweep(NOW).records());
        // Busy by the horizon's records at 1,000 a page: 3,000 sessions in the hour is still three pages.
        var quiet = horizon.plan(NOW, List.of(new SweepPlanner.StreamState("sessions", 1_000, floor, at("09:59:30"),
                sweep("09:58:00", "09:58:00", 3_000))));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("08:58:00", "10:00:00"), true)), quiet);
        var busy = horizon.plan(NOW, List.of(new SweepPlanner.StreamState("sessions", 1_000, floor, at("09:59:30"),
                sweep("09:58:00", "09:58:00", 3_001))));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:59:00", "10:00:00"), false)), busy);
    }

    /** A stream's own floor (its ids reach no further back) bounds every read of it, sweeps too. */
    @Test
    void noReadReachesBeforeTheStreamsFloor() {
        SweepPlanner horizon = new SweepPlanner(Duration.ofMinutes(20), Duration.ofSeconds(30),
                Duration.ofMinutes(2).plusSeconds(30), Map.of("sessions", Duration.ofHours(1)));
        var reads = horizon.plan(NOW, List.of(new SweepPlanner.StreamState("sessions", 1_000, at("09:39:00"),
                at("09:59:00"), sweep("09:59:00", "09:59:00", 0))));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:39:00", "10:00:00"), true)), reads);
    }
}
