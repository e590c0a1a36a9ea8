package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApiException;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BotPollerTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    @TempDir
    Path stateDir;

    private final ManualClock clock = new ManualClock(T0);
    private final FakeKoreApi api = new FakeKoreApi(clock, 3);

    private final class Run {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final BotPoller poller = new BotPoller(BOT, POLL, Duration.ofHours(1), api, ReadOptions.DEFAULT,
                new KoreMetrics(registry, Map.of(), "test", clock), TurnTracer.NONE,
                new FileCheckpointStore(stateDir), clock);

        MetricsText metrics() {
            return MetricsText.of(registry);
        }

        void cyclesUntil(Instant end) {
            while (clock.instant().isBefore(end)) {
                clock.advance(POLL.interval());
                poller.runCycle();
            }
        }
    }

    /** Turns spread over [from, from + span), each visible 0..10 min after it happened. Returns their count. */
    private int addTurns(Instant from, Duration span, int sessions, long seed) {
        Random r = new Random(seed);
        int turns = 0;
        for (int s = 0; s < sessions; s++) {
            String sessionId = "s" + seed + "-" + s;
            Instant t = from.plusMillis((long) (r.nextDouble() * span.toMillis()));
            for (int i = 0; i < 1 + r.nextInt(4); i++) {
                long total = 400 + r.nextInt(2000);
                Instant userEnd = t.plusSeconds(5L * i);
                api.addMessage(new Message(sessionId + "-in" + i, sessionId, Direction.INCOMING, "korevg", "en",
                        userEnd, null, null), userEnd.plusSeconds(r.nextInt(600)));
                Instant botAt = userEnd.plusMillis(total);
                api.addMessage(new Message(sessionId + "-out" + i, sessionId, Direction.OUTGOING, "korevg", "en",
                        botAt, new Latency((double) total, null, new Latency.BotSegment((double) total), null), null),
                        botAt.plusSeconds(r.nextInt(600)));
                turns++;
            }
        }
        return turns;
    }

    @Test
    void countsEveryMessageOnceAcrossOverlappingWindowsAndLateArrivals() {
        int turns = addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(70), 40, 1);
        Run run = new Run();
        run.cyclesUntil(T0.plus(Duration.ofMinutes(35)));

        MetricsText m = run.metrics();
        assertEquals(turns, m.value("kore_messages_total", "bot", "billing", "channel", "korevg", "direction", "outgoing"));
        assertEquals(turns, m.value("kore_messages_total", "bot", "billing", "channel", "korevg", "direction", "incoming"));
        assertEquals(turns, m.value("kore_turn_latency_seconds_count", "bot", "billing", "channel", "korevg", "language", "en"));
        assertTrue(m.sum("kore_exporter_duplicates_dropped_total") > 0, "overlapping windows re-read records");
        assertEquals(1, m.value("kore_exporter_up", "bot", "billing"));
    }

    @Test
    void aBusyStreamReReadsTheLookbackOnlyEveryEighthOfItAndStillCountsLateRecords() {
        // 6 Agent AI conversations a minute, each visible up to 15 min late: ~120 in the lookback, more than
        // three pages of 20, so the stream sweeps. Quiet streams (the messages here: none) read every cycle.
        ExporterConfig.Bot withAccount = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
                .set("bots[0].account-id", "acc-1").set("bots[0].channels", List.of("korevg")).bot();
        Random r = new Random(11);
        Instant from = T0.minus(Duration.ofMinutes(50));
        for (int i = 0; i < 6 * 110; i++) {
            Instant at = from.plusMillis(i * 10_000L);
            api.conversations.add(new FakeKoreApi.Visible<>(new AgentAiConversation("c-" + i, "voice", "chat", at),
                    at.plusSeconds(r.nextInt(15 * 60))));
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        BotPoller poller = new BotPoller(withAccount, POLL, Duration.ofHours(1), api, ReadOptions.DEFAULT,
                new KoreMetrics(registry, Map.of(), "test", clock), TurnTracer.NONE,
                new FileCheckpointStore(stateDir), clock);
        Instant end = T0.plus(Duration.ofMinutes(65));
        while (clock.instant().isBefore(end)) {
            clock.advance(POLL.interval());
            poller.runCycle();
        }

        // Counted once each: at most every one that landed, at least every one that landed before the last sweep.
        double counted = MetricsText.of(registry).sum("kore_agentai_conversations_total");
        Instant lastSweepSure = end.minus(POLL.lookback().dividedBy(8)).minus(POLL.interval());
        assertTrue(counted <= api.conversations.stream().filter(v -> !v.visibleAt().isAfter(end)).count());
        assertTrue(counted >= api.conversations.stream().filter(v -> v.visibleAt().isBefore(lastSweepSure)).count());
        List<TimeWindow> steady = api.conversationWindows.stream()
                .filter(w -> w.to().isAfter(T0.plus(Duration.ofMinutes(5)))).toList();
        long sweeps = steady.stream().filter(w -> Duration.between(w.from(), w.to()).compareTo(POLL.lookback()) >= 0)
                .count();
        // Every 2.5 min (lookback / 8) a full re-read; the cycles between read one interval before the watermark.
        assertEquals(steady.size() / 5.0, sweeps, 1.0);
        assertTrue(steady.stream().allMatch(w -> Duration.between(w.from(), w.to()).compareTo(POLL.lookback()) >= 0
                || Duration.between(w.from(), w.to()).equals(POLL.interval().multipliedBy(2))), steady::toString);
        assertTrue(api.messageWindows.stream().allMatch(w -> !w.to().isAfter(T0.plus(Duration.ofMinutes(5)))
                || Duration.between(w.from(), w.to()).compareTo(POLL.lookback()) >= 0), "quiet streams read it all");
    }

    @Test
    void busyStreamsDueTogetherTakeTurnsAndNoneIsStarved() {
        // lookback / 8 is shorter than the interval: both busy streams are due every cycle, one sweeps per cycle.
        ExporterConfig.Poll poll = TestConfig.builder().set("poll.interval", Duration.ofMinutes(1))
                .set("poll.lookback", Duration.ofMinutes(5)).set("poll.backfill", Duration.ofHours(1)).poll();
        ExporterConfig.Bot withAccount = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
                .set("bots[0].account-id", "acc-1").set("bots[0].channels", List.of("korevg")).bot();
        Instant from = T0.minus(Duration.ofMinutes(50));
        for (int i = 0; i < 100 * 90; i++) {
            Instant at = from.plusMillis(i * 600L);
            api.addSession(new Session("s-" + i, "korevg", at, at.plusSeconds(1), false, Containment.SELF_SERVICE,
                    "interactive", 2, List.of("en")), at.plusSeconds(2));
            if (i % 4 == 0) {
                api.conversations.add(new FakeKoreApi.Visible<>(new AgentAiConversation("c-" + i, "voice", "chat", at),
                        at.plusSeconds(2)));
            }
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        BotPoller poller = new BotPoller(withAccount, poll, Duration.ofHours(1), api, ReadOptions.DEFAULT,
                new KoreMetrics(registry, Map.of(), "test", clock), TurnTracer.NONE,
                new FileCheckpointStore(stateDir), clock);
        for (int i = 0; i < 30; i++) {
            clock.advance(poll.interval());
            poller.runCycle();
        }
        // A clock stepped back by more than an interval (NTP, VM resume) must not break the cycle.
        clock.set(clock.instant().minus(Duration.ofMinutes(3)));
        assertTrue(poller.runCycle());
        assertTrue(poller.status().lastCycleOk(), String.valueOf(poller.status().lastError()));

        Instant steady = T0.plus(Duration.ofMinutes(5));
        long sessionSweeps = sweepsAfter(api.sessionWindows, steady, poll.lookback());
        long conversationSweeps = sweepsAfter(api.conversationWindows, steady, poll.lookback());
        assertTrue(sessionSweeps >= 10 && conversationSweeps >= 10, sessionSweeps + " / " + conversationSweeps);
        assertEquals(sessionSweeps, conversationSweeps, 1.0);
        // Every session at least once swept over is counted, none twice (at most one per session visible).
        double sessions = MetricsText.of(registry).sum("kore_sessions_total");
        assertTrue(sessions >= 100 * 70 && sessions <= 100 * 80 + 1, String.valueOf(sessions));
    }

    private static long sweepsAfter(List<TimeWindow> windows, Instant after, Duration lookback) {
        return windows.stream().filter(w -> w.to().isAfter(after))
                .filter(w -> Duration.between(w.from(), w.to()).compareTo(lookback) >= 0).count();
    }

    @Test
    void recordsOlderThanTheFirstBackfillAreNeverCounted() {
        int recent = addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(40), 10, 2);
        addTurns(T0.minus(Duration.ofHours(3)), Duration.ofMinutes(60), 10, 3);
        Run run = new Run();
        run.cyclesUntil(T0.plus(Duration.ofMinutes(12)));
        assertEquals(recent, run.metrics().sum("kore_messages_total", "direction", "outgoing"));
    }

    /** README "How it reads Kore.ai": sessions are re-read by start time over poll.session-horizon (1 h here). */
    @Test
    void aSessionReportedClosedWithinTheSessionHorizonIsCountedOnceAndOneReportedLaterIsNot() {
        Instant start = T0.plusSeconds(60);
        Session active = new Session("long", "korevg", start, null, true, null, "interactive", null, List.of("en"));
        Session closed = new Session("long", "korevg", start, start.plus(Duration.ofMinutes(45)), false,
                Containment.AGENT, "interactive", 12, List.of("en"));
        api.addSession(active, start.plusSeconds(90));
        api.addSession(closed, start.plus(Duration.ofMinutes(47)));
        Session quick = new Session("quick", "korevg", start, start.plusSeconds(30), false,
                Containment.SELF_SERVICE, "interactive", 4, List.of("en"));
        api.addSession(quick, start.plusSeconds(200));
        Session late = new Session("late", "korevg", start, start.plus(Duration.ofMinutes(50)), false,
                Containment.DROP_OFF, "interactive", 9, List.of("en"));
        api.addSession(late, start.plus(Duration.ofMinutes(62)));

        Run run = new Run();
        run.cyclesUntil(start.plus(Duration.ofMinutes(60)));

        MetricsText m = run.metrics();
        assertEquals(1, m.sum("kore_sessions_total", "containment", "agent"));
        assertEquals(1, m.sum("kore_sessions_total", "containment", "selfService"));
        assertEquals(2, m.sum("kore_sessions_total"));
        assertTrue(api.lookups.isEmpty(), "no session is looked up by id: " + api.lookups);
        assertEquals(0.5, m.value("kore_containment_ratio", "bot", "billing", "containment", "agent"));
        assertEquals(0.0, m.value("kore_containment_ratio", "bot", "billing", "containment", "dropOff"));

        // Reported closed 62 min after its start: after the horizon and the cycle that re-read its start last.
        run.cyclesUntil(start.plus(Duration.ofMinutes(90)));
        assertEquals(0, run.metrics().sum("kore_sessions_total", "containment", "dropOff"));
        assertEquals(2, run.metrics().sum("kore_sessions_total"));
    }

    @Test
    void gracefulRestartCountsNothingTwiceAndLosesNothing() {
        int turns = addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(80), 50, 4);
        Run first = new Run();
        first.cyclesUntil(T0.plus(Duration.ofMinutes(10)));
        first.poller.stopAndCheckpoint();
        MetricsText before = first.metrics();
        double counted = before.sum("kore_messages_total", "direction", "outgoing");
        assertTrue(counted > 0 && counted < turns, "the first run stopped mid-way");

        Run second = new Run();
        second.cyclesUntil(T0.plus(Duration.ofMinutes(50)));
        // Added up as Prometheus's increase() across the restart sees the two.
        assertEquals(turns, MetricsText.increase(List.of(before, second.metrics()))
                .sum("kore_messages_total", "direction", "outgoing"));
    }

    @Test
    void abruptStopRepeatsAtMostOnePageAndLosesNothing() {
        int turns = addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(80), 50, 5);
        Run first = new Run();
        first.cyclesUntil(T0.plus(Duration.ofMinutes(10)));
        // No stopAndCheckpoint: the process "dies" here, with only the per-page checkpoints written.
        MetricsText before = first.metrics();

        Run second = new Run();
        second.cyclesUntil(T0.plus(Duration.ofMinutes(50)));
        // Added up as Prometheus's increase() across the restart sees the two.
        double total = MetricsText.increase(List.of(before, second.metrics()))
                .sum("kore_messages_total", "direction", "outgoing");
        assertTrue(total >= turns, "nothing lost: " + total + " >= " + turns);
        assertTrue(total - turns <= 3, "at most one page (3 records) counted twice, got " + (total - turns));
    }

    @Test
    void aFailingStreamMarksTheBotDownWithoutStoppingTheOthers() {
        Instant start = T0.plusSeconds(10);
        api.addSession(new Session("a", "korevg", start, start.plusSeconds(20), false, Containment.DROP_OFF,
                "interactive", 2, List.of()), start.plusSeconds(30));
        int turns = addTurns(T0, Duration.ofMinutes(2), 5, 6);
        api.failMessages = new KoreApiException(Endpoint.GET_MESSAGES_V2, 503, "HTTP 503", null);

        Run run = new Run();
        run.cyclesUntil(T0.plus(Duration.ofMinutes(3)));
        MetricsText m = run.metrics();
        assertEquals(0, m.value("kore_exporter_up", "bot", "billing"));
        assertEquals(1, m.sum("kore_sessions_total"));
        assertEquals(0, m.sum("kore_messages_total"));
        assertNotNull(run.poller.status().lastError());
        assertTrue(run.poller.status().lastError().contains("503"));

        api.failMessages = null;
        run.cyclesUntil(T0.plus(Duration.ofMinutes(15)));
        m = run.metrics();
        assertEquals(1, m.value("kore_exporter_up", "bot", "billing"));
        assertEquals(turns, m.sum("kore_messages_total", "direction", "outgoing"));
    }

    @Test
    void seenIdMemoryFollowsTheLookbackNotHistory() {
        Run run = new Run();
        for (int hour = 0; hour < 3; hour++) {
            addTurns(clock.instant(), Duration.ofHours(1), 60, 10 + hour);
            run.cyclesUntil(clock.instant().plus(Duration.ofHours(1)));
        }
        // 3 hours of traffic (about 600 messages); only the last lookback (20 of 60 minutes) may be remembered.
        int remembered = run.poller.seenIds();
        double total = run.metrics().sum("kore_messages_total");
        assertTrue(remembered < total / 4, remembered + " ids remembered of " + total);
    }
}
