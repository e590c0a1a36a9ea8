package dev.koreexporter.ingest;

import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.Quirks;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.RequestStats;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counting like Kore.ai (README, "How it reads Kore.ai"), against the simulator's ground truth over an hour
 * of live traffic plus the backfill hour, with developer traffic, invalid latency values and sessions ending
 * before they started in the traffic: every series equals what a correct reader counts, and the excluded and
 * rejected counters equal the records ground truth marks.
 */
class CountingGroundTruthIT {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final Instant FLOOR = T0.minus(IngestHarness.POLL.backfill());
    private static final Instant LIVE_END = T0.plus(Duration.ofHours(1));
    /**
     * After traffic stops, long enough for every late record to land and be read (sessions run on to their
     * inactivity close: {@link IngestHarness#everyClosureRead} may be later).
     */
    private static final Instant END = LIVE_END.plus(Duration.ofMinutes(20));
    static final Quirks QUIRKS = Quirks.DEFAULT.withDeveloperShare(0.2).withBadSegmentShare(0.3)
            .withBadSessionShare(0.15);

    @TempDir
    Path stateDir;

    private IngestHarness harness(ReadOptions options) {
        ManualClock clock = new ManualClock(T0);
        LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults()
                .withPort(0).withSeed(20261202).withClock(clock)
                .withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(1.5)
                .withMaxLateness(Duration.ofMinutes(15))
                .withRateLimits(1_000_000, 10_000_000)
                .withPageCaps(10, 100, 1000, 60, 5)
                .withQuirks(QUIRKS));
        return new IngestHarness(clock, sim, stateDir, sim.bots().stream().map(IngestHarness::configOf).toList(),
                options);
    }

    private static MetricsText runToEnd(IngestHarness h) {
        IngestHarness.Run run = h.start();
        run.cyclesUntil(LIVE_END);
        h.sim.pauseTraffic();
        run.cyclesUntil(h.everyClosureRead(LIVE_END, END));
        return run.metrics();
    }

    @Test
    void developerTrafficIsLeftOutAndEveryBadValueRejectedAloneExactly() {
        try (IngestHarness h = harness(ReadOptions.DEFAULT)) {
            MetricsText m = runToEnd(h);
            IngestGroundTruthIT.assertMatchesGroundTruth(h, m.series(), false);
            assertMarkedRecordsCounted(h, m, false);
            assertTurnGaps(h, m);
        }
    }

    @Test
    void includedDeveloperTrafficIsCountedLikeAnyOtherExactly() {
        try (IngestHarness h = harness(new ReadOptions(true, MessagesApi.AUTO))) {
            MetricsText m = runToEnd(h);
            IngestGroundTruthIT.assertMatchesGroundTruth(h, m.series(), true);
            assertMarkedRecordsCounted(h, m, true);
            assertEquals(0, m.sum("kore_exporter_records_excluded_total"));
        }
    }

    @ParameterizedTest(name = "kore.messages-api: {0}")
    @ValueSource(strings = {"auto", "v1"})
    void withoutGetMessagesV2MessagesAreReadWithV1Exactly(String api) {
        MessagesApi messagesApi = MessagesApi.fromWire(api).orElseThrow();
        try (IngestHarness h = harness(new ReadOptions(false, messagesApi))) {
            SimBot older = h.sim.bots().getFirst();
            if (messagesApi == MessagesApi.AUTO) {
                h.sim.faults().set(Fault.of(FaultType.V2_MISSING).forBot(older.botId()));
            }
            MetricsText m = runToEnd(h);
            IngestGroundTruthIT.assertMatchesGroundTruth(h, m.series(), false);
            assertMarkedRecordsCounted(h, m, false);
            RequestStats.BotStats stats = h.sim.requestStats().bot(older.botId());
            long v2 = stats.byEndpoint().getOrDefault("getMessagesV2", 0L);
            assertEquals(messagesApi == MessagesApi.AUTO ? 1 : 0, v2, "getMessagesV2 is asked at most once: " + stats);
            assertTrue(stats.byEndpoint().getOrDefault("getMessages", 0L) > 60, "read with v1: " + stats);
            SimBot other = h.sim.bots().get(1);
            long otherV1 = h.sim.requestStats().bot(other.botId()).byEndpoint().getOrDefault("getMessages", 0L);
            assertEquals(messagesApi == MessagesApi.AUTO, otherV1 == 0, "a bot with getMessagesV2 keeps it");
        }
    }

    @Test
    void aServerIgnoringChannelTypeCountsEachMessageOnceUnderItsOwnChannel() {
        try (IngestHarness h = harness(ReadOptions.DEFAULT)) {
            h.sim.faults().set(Fault.of(FaultType.IGNORE_CHANNEL_TYPE));
            assertTrue(h.bots.stream().anyMatch(b -> b.channels().size() > 1), "a bot reads several channels");
            MetricsText m = runToEnd(h);
            IngestGroundTruthIT.assertMatchesGroundTruth(h, m.series(), false);
            assertMarkedRecordsCounted(h, m, false);
            assertTrue(m.sum("kore_exporter_duplicates_dropped_total", "kind", "message") > 0);
        }
    }

    /**
     * kore_turn_gap_seconds of each bot holds exactly the gaps ground truth says a correct reader observes, and the
     * traffic holds every kind of turn: a gap, segments covering the total exactly, overlapping segments (not
     * observed), a missing segment (no gap) and an invalid value of the four (no gap).
     */
    private static void assertTurnGaps(IngestHarness h, MetricsText m) {
        GroundTruth truth = h.sim.groundTruth();
        Instant now = h.clock.instant();
        Map<String, Long> kinds = new TreeMap<>();
        for (SimBot bot : h.sim.bots()) {
            List<TruthMessage> turns = truth.messages(bot.botId(), FLOOR, now, now).stream()
                    .filter(t -> t.counted(false) && t.turn()).toList();
            List<Double> observed = turns.stream().map(TruthMessage::observedGapMs).filter(Objects::nonNull).toList();
            assertEquals(observed.size(), m.sum("kore_turn_gap_seconds_count", "bot", bot.name()),
                    "gaps observed for " + bot.name());
            assertEquals(observed.stream().mapToDouble(g -> g / 1000).sum(),
                    m.sum("kore_turn_gap_seconds_sum", "bot", bot.name()), 1e-6, "gap seconds of " + bot.name());
            for (TruthMessage t : turns) {
                Double gap = t.gapMs();
                String kind = gap == null ? "missing segment" : t.observedGapMs() == null && gap >= 0 ? "invalid value"
                        : gap < 0 ? "overlapping" : gap == 0 ? "no gap" : "gap";
                kinds.merge(kind, 1L, Long::sum);
            }
        }
        assertEquals(Set.of("gap", "no gap", "overlapping", "missing segment", "invalid value"), kinds.keySet(),
                "kinds of turns in the traffic: " + kinds);
        assertTrue(kinds.values().stream().allMatch(n -> n > 5), "several turns of each kind: " + kinds);
    }

    /**
     * Excluded developer records and rejected segments and sessions, per bot, exactly as ground truth marks
     * them: each once, however often it was read.
     */
    private static void assertMarkedRecordsCounted(IngestHarness h, MetricsText m, boolean includeDeveloper) {
        GroundTruth truth = h.sim.groundTruth();
        Instant now = h.clock.instant();
        for (SimBot bot : h.sim.bots()) {
            List<TruthMessage> messages = truth.messages(bot.botId(), FLOOR, now, now).stream()
                    .filter(TruthMessage::valid).toList();
            List<TruthSession> sessions = truth.sessions(bot.botId(), now).stream()
                    .filter(s -> s.valid() && !s.session().start().isBefore(FLOOR)
                            && (!s.visibleActiveAt().isAfter(now) || !s.visibleClosedAt().isAfter(now)))
                    .toList();
            long developerMessages = includeDeveloper ? 0 : messages.stream().filter(TruthMessage::developer).count();
            long developerSessions = includeDeveloper ? 0 : sessions.stream().filter(TruthSession::developer).count();
            assertTrue(includeDeveloper || developerMessages > 10 && developerSessions > 3,
                    "the traffic has developer records: " + developerMessages + " " + developerSessions);
            assertEquals(developerMessages, m.value("kore_exporter_records_excluded_total", "bot", bot.name(),
                    "kind", "message", "reason", "developer"), "developer messages of " + bot.name());
            assertEquals(developerSessions, m.value("kore_exporter_records_excluded_total", "bot", bot.name(),
                    "kind", "session", "reason", "developer"), "developer sessions of " + bot.name());

            long badSegments = messages.stream()
                    .filter(t -> t.counted(includeDeveloper) && t.segmentDefect() != null).count();
            long badSessions = sessions.stream().filter(s -> (includeDeveloper || !s.developer()) && s.endBeforeStart()
                    && s.session().closed() && !s.visibleClosedAt().isAfter(now)).count();
            if (bot.channels().stream().anyMatch(c -> !c.equals("rtm"))) {
                assertTrue(badSegments > 3, "the traffic has invalid latency values for " + bot.name());
            }
            assertEquals(badSegments, m.value("kore_exporter_records_rejected_total", "bot", bot.name(),
                    "kind", "segment", "reason", "bad_value"), "messages with invalid latency values of " + bot.name());
            assertEquals(badSessions, m.value("kore_exporter_records_rejected_total", "bot", bot.name(),
                    "kind", "session", "reason", "bad_value"), "sessions ending before they started of " + bot.name());
            assertEquals(0, m.sum("kore_exporter_records_rejected_total", "bot", bot.name(), "kind", "message"));
        }
    }
}
