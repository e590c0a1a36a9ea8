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

    @Test
    void theTallyCountsOnlyTheRecordsWithinALookbackOfTheWindowEnd() {
        var read = new SweepPlanner.Read("sessions", window("09:00:00", "10:00:00"), true, true);
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
        SweepPlanner.Tally tally = planner.tally(new SweepPlanner.Read("sessions", window("09:50:00", "10:00:00"),
                true, true));
        tally.add(at("09:45:00"));
        tally.add(at("09:50:00"));
        assertEquals(1, tally.sweep(NOW).records());
    }

    /**
     * The reported symptom: a backfill hour of 744 sessions (7.4 pages of 100) with only 200 in the lookback.
     * Judged by all the backfill returned, the stream was busy and swept only every 2.5 min; judged by its
     * lookback it is quiet and sweeps (and follows up, once due) every cycle.
     */
    @Test
    void afterABackfillOfManyPagesButFewRecordsInTheLookbackEveryCycleReadsTheFullLookback() {
        Instant start = at("10:00:00");
        var backfill = planner.plan(start, FLOOR, List.of(new SweepPlanner.StreamState("sessions", 100, FLOOR, null, null)));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:00:00", "10:00:00"), true, true)), backfill);
        SweepPlanner.Tally tally = planner.tally(backfill.get(0));
        for (int i = 0; i < 744; i++) {
            // 544 sessions in the first 40 minutes, 200 in the lookback.
            tally.add(i < 544 ? FLOOR.plusMillis(i * 4_400L) : at("09:40:00").plusSeconds((i - 544) * 6L));
        }
        SweepPlanner.Sweep last = tally.sweep(start);
        assertEquals(200, last.records());
        Instant followUp = start;
        for (int cycle = 1; cycle <= 10; cycle++) {
            Instant now = start.plusSeconds(30L * cycle);
            Instant watermark = now.minusSeconds(30);
            var reads = planner.plan(now, FLOOR, List.of(new SweepPlanner.StreamState("sessions", 100, watermark, last,
                    followUp)));
            boolean followUpsDue = !now.isBefore(followUp.plus(Duration.ofSeconds(150)));
            assertEquals(List.of(new SweepPlanner.Read("sessions", new TimeWindow(watermark.minus(Duration.ofMinutes(20)),
                    now), true, followUpsDue)), reads, "cycle " + cycle);
            last = new SweepPlanner.Sweep(now, now, 200);
            followUp = followUpsDue ? now : followUp;
        }
    }

    @Test
    void aCatchUpStepEndingNowJudgesBusyByItsLookbackOnly() {
        // After an outage from 07:00: one 3 h step that returned 9,000 sessions, 250 of them in its last 20 minutes.
        var step = new SweepPlanner.Read("sessions", window("06:40:00", "10:00:00"), true, true);
        SweepPlanner.Tally tally = planner.tally(step);
        for (int i = 0; i < 9_000; i++) {
            tally.add(i < 250 ? at("09:40:00").plusSeconds(i * 4L) : at("06:40:00").plusSeconds(i % 10_000));
        }
        var reads = planner.plan(at("10:00:30"), FLOOR.minus(Duration.ofHours(6)), List.of(
                new SweepPlanner.StreamState("sessions", 100, at("10:00:00"), tally.sweep(at("09:59:00")), at("10:00:00"))));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:40:00", "10:00:30"), true, false)), reads);
    }

    @Test
    void theSweepIntervalSetsHowOftenACostlyStreamSweepsAndFollowsUp() {
        SweepPlanner slow = new SweepPlanner(Duration.ofMinutes(20), Duration.ofSeconds(30), Duration.ofMinutes(10));
        var state = new SweepPlanner.StreamState("sessions", 100, at("09:59:30"), sweep("09:50:30", "09:50:30", 5_000),
                at("09:50:30"));
        // 9.5 min after the last sweep: not yet due with 10 min (it would be with the default 2.5 min).
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:59:00", "10:00:00"), false, false)),
                slow.plan(NOW, FLOOR, List.of(state)));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:30:30", "10:00:00"), true, true)),
                planner.plan(NOW, FLOOR, List.of(state)));
        var due = new SweepPlanner.StreamState("sessions", 100, at("09:59:30"), sweep("09:50:00", "09:50:00", 5_000),
                at("09:50:00"));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:30:00", "10:00:00"), true, true)),
                slow.plan(NOW, FLOOR, List.of(due)));
    }

    @Test
    void aQuietStreamFollowsUpOncePerSweepInterval() {
        SweepPlanner fast = new SweepPlanner(Duration.ofMinutes(20), Duration.ofSeconds(30), Duration.ofMinutes(1));
        var state = new SweepPlanner.StreamState("sessions", 100, at("09:59:30"), sweep("09:59:30", "09:59:30", 10),
                at("09:59:00"));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:39:30", "10:00:00"), true, true)),
                fast.plan(NOW, FLOOR, List.of(state)));
        assertEquals(List.of(new SweepPlanner.Read("sessions", window("09:39:30", "10:00:00"), true, false)),
                plan(state));
    }
}
