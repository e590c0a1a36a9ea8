package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.LatencyField;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import dev.koreexporter.testing.LogCapture;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is counted (README, "How it reads Kore.ai"): developer traffic, invalid latency values, sessions with
 * impossible times, per-bot de-duplication and the messages API fallback, each over many cycles re-reading
 * the same records.
 */
class CountingRulesTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg", "ivrVoice")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();
    private static final Latency FULL = new Latency(1200.0, new Latency.Asr(300.0, "google", 0.9),
            new Latency.BotSegment(700.0), new Latency.Tts(200.0, "azure", 40L, 2000.0, true, 80.0));

    @TempDir
    Path stateDir;

    private final ManualClock clock = new ManualClock(T0);
    private final FakeKoreApi api = new FakeKoreApi(clock, 3);

    private final class Run {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final BotPoller poller;

        Run(ReadOptions options) {
            this(options, stateDir);
        }

        Run(ReadOptions options, Path dir) {
            poller = new BotPoller(BOT, POLL, Duration.ofHours(1), api, options,
                    new KoreMetrics(registry, Map.of(), "test", clock), TurnTracer.NONE,
                    new FileCheckpointStore(dir), clock);
        }

        MetricsText metrics() {
            return MetricsText.of(registry);
        }

        /** Cycles for 30 minutes: every record is re-read many times. */
        Run cycles() {
            return cycles(Duration.ofMinutes(30));
        }

        Run cycles(Duration d) {
            Instant end = clock.instant().plus(d);
            while (clock.instant().isBefore(end)) {
                clock.advance(POLL.interval());
                poller.runCycle();
            }
            return this;
        }
    }

    private static Message message(String id, String channel, Direction d, Instant at, Latency l, boolean developer,
                                   Set<LatencyField> dropped) {
        return new Message(id, "s-" + id, d, channel, "en", at, l, null, null, developer, dropped);
    }

    private static Session session(String id, Instant start, Instant end, boolean developer, boolean badTimes) {
        return new Session(id, "korevg", start, end, end == null, end == null ? null : Containment.SELF_SERVICE,
                "interactive", 4, List.of("en"), developer, badTimes);
    }

    @Test
    void developerRecordsAreExcludedOnceWhenFirstSeenAndCountedWhenIncluded() {
        Instant at = T0.minus(Duration.ofMinutes(10));
        api.addMessage(message("dev-in", "korevg", Direction.INCOMING, at, null, true, Set.of()), T0);
        api.addMessage(message("dev-out", "korevg", Direction.OUTGOING, at, FULL, true, Set.of()), T0);
        api.addMessage(message("prod-out", "korevg", Direction.OUTGOING, at, FULL, false, Set.of()), T0);
        api.addSession(session("dev-s", at, null, true, false), T0);
        api.addSession(session("dev-s", at, at.plusSeconds(90), true, false), T0.plus(Duration.ofMinutes(5)));
        api.addSession(session("prod-s", at, at.plusSeconds(60), false, false), T0);

        MetricsText m = new Run(ReadOptions.DEFAULT).cycles().metrics();
        assertEquals(2, m.value("kore_exporter_records_excluded_total", "bot", "billing", "kind", "message",
                "reason", "developer"));
        assertEquals(1, m.value("kore_exporter_records_excluded_total", "bot", "billing", "kind", "session",
                "reason", "developer"), "excluded while active, never again once closed");
        assertEquals(1, m.sum("kore_messages_total"));
        assertEquals(1, m.sum("kore_turn_latency_seconds_count"));
        assertEquals(40, m.sum("kore_tts_characters_total"));
        assertEquals(1, m.sum("kore_sessions_total"));

        clock.set(T0);
        MetricsText included = new Run(new ReadOptions(true, MessagesApi.AUTO), stateDir.resolve("included"))
                .cycles().metrics();
        assertEquals(0, included.sum("kore_exporter_records_excluded_total"));
        assertEquals(3, included.sum("kore_messages_total"));
        assertEquals(2, included.sum("kore_turn_latency_seconds_count"));
        assertEquals(2, included.sum("kore_sessions_total"));
    }

    @Test
    void aMessageWithInvalidLatencyValuesIsCountedWithItsValidOnesAndRejectedOnce() {
        Instant at = T0.minus(Duration.ofMinutes(10));
        Latency withoutTotalAndAsr = new Latency(null, null, new Latency.BotSegment(700.0), FULL.tts());
        api.addMessage(message("m1", "korevg", Direction.OUTGOING, at, withoutTotalAndAsr, false,
                Set.of(LatencyField.TOTAL, LatencyField.ASR)), T0);
        api.addMessage(message("m2", "korevg", Direction.OUTGOING, at, new Latency(null, null,
                new Latency.BotSegment(500.0), null), false, Set.of()), T0);

        MetricsText m = new Run(ReadOptions.DEFAULT).cycles().metrics();
        assertEquals(1, m.value("kore_exporter_records_rejected_total", "bot", "billing", "kind", "segment",
                "reason", "bad_value"), "once per record, whatever the re-reads");
        assertEquals(2, m.sum("kore_messages_total"));
        assertEquals(0, m.sum("kore_turn_latency_seconds_count"));
        assertEquals(0, m.sum("kore_asr_latency_seconds_count"));
        assertEquals(2, m.sum("kore_bot_latency_seconds_count"));
        assertEquals(1, m.sum("kore_tts_latency_seconds_count"));
        assertEquals(1, m.sum("kore_exporter_up"));
    }

    @Test
    void aSessionWithImpossibleTimesIsRejectedOnceAndTheCycleGoesOn() {
        Instant at = T0.minus(Duration.ofMinutes(10));
        api.addSession(session("early-end", at, at.minusSeconds(60), false, true), T0);
        api.addSession(session("far-future", at, Instant.parse("+999999999-12-31T23:59:59Z"), false, true), T0);
        api.addSession(session("fine", at, at.plusSeconds(60), false, false), T0);

        Run run = new Run(ReadOptions.DEFAULT).cycles();
        MetricsText m = run.metrics();
        assertEquals(2, m.value("kore_exporter_records_rejected_total", "bot", "billing", "kind", "session",
                "reason", "bad_value"));
        assertEquals(1, m.sum("kore_sessions_total"));
        assertEquals(1, m.value("kore_exporter_up", "bot", "billing"));
        assertTrue(run.poller.status().lastError() == null, run.poller.status().lastError());
    }

    @Test
    void aServerIgnoringChannelTypeCountsEachMessageOnceUnderItsOwnChannelAcrossRestarts() throws Exception {
        api.ignoreChannelType = true;
        Instant at = T0.minus(Duration.ofMinutes(10));
        for (int i = 0; i < 7; i++) {
            api.addMessage(message("k" + i, "korevg", Direction.INCOMING, at.plusSeconds(i), null, false, Set.of()), T0);
        }
        for (int i = 0; i < 5; i++) {
            api.addMessage(message("v" + i, "ivrVoice", Direction.INCOMING, at.plusSeconds(i), null, false, Set.of()), T0);
        }
        // Stopped while the messages are still in the lookback: the restart reads them again.
        MetricsText first = new Run(ReadOptions.DEFAULT).cycles(Duration.ofMinutes(5)).metrics();
        assertEquals(7, first.value("kore_messages_total", "bot", "billing", "channel", "korevg", "direction", "incoming"));
        assertEquals(5, first.value("kore_messages_total", "bot", "billing", "channel", "ivrVoice", "direction", "incoming"));

        String checkpoint = Files.readString(stateDir.resolve("billing.checkpoint.json"));
        assertTrue(checkpoint.contains("\"messages:korevg\"") && checkpoint.contains("\"messages:ivrVoice\""),
                "one id set per stream, as 0.2.0 wrote it");
        MetricsText second = new Run(ReadOptions.DEFAULT).cycles(Duration.ofMinutes(30)).metrics();
        // Added up as Prometheus's increase() across the restart sees the two.
        assertEquals(first.sum("kore_messages_total"), MetricsText.increase(List.of(first, second))
                .sum("kore_messages_total"), "nothing counted twice after a restart either");
    }

    @Test
    void autoFallsBackToV1OnA404ForGoodLoggedOnceWithExactCounts() {
        api.v2Missing = true;
        Instant at = T0.minus(Duration.ofMinutes(30));
        for (int i = 0; i < 10; i++) {
            api.addMessage(message("k" + i, "korevg", Direction.OUTGOING, at.plusSeconds(60L * i), FULL, false,
                    Set.of()), at.plusSeconds(60L * i + 30));
            api.addMessage(message("v" + i, "ivrVoice", Direction.INCOMING, at.plusSeconds(60L * i), null, false,
                    Set.of()), at.plusSeconds(60L * i + 30));
        }
        try (LogCapture log = LogCapture.of(BotPoller.class.getName())) {
            Run run = new Run(ReadOptions.DEFAULT);
            run.cycles();
            MetricsText m = run.metrics();
            assertEquals(10, m.sum("kore_messages_total", "channel", "korevg"));
            assertEquals(10, m.sum("kore_messages_total", "channel", "ivrVoice"));
            assertEquals(10, m.sum("kore_turn_latency_seconds_count"));
            assertEquals(1, m.value("kore_exporter_up", "bot", "billing"));
            assertEquals(1, api.v2Calls, "getMessagesV2 asked once, then v1 for good");
            assertTrue(api.v1Windows.size() > 10);
            assertEquals(1, log.lines().stream().filter(l -> l.contains("getMessagesV2 answered 404")).count(),
                    log.lines().toString());
        }
    }

    @Test
    void v1AndV2CanBeForced() {
        api.addMessage(message("k", "korevg", Direction.INCOMING, T0.minusSeconds(60), null, false, Set.of()), T0);
        MetricsText v1 = new Run(new ReadOptions(false, MessagesApi.V1)).cycles().metrics();
        assertEquals(1, v1.sum("kore_messages_total"));
        assertEquals(0, api.v2Calls);

        api.v2Missing = true;
        clock.set(T0);
        Run v2 = new Run(new ReadOptions(false, MessagesApi.V2), stateDir.resolve("v2"));
        v2.cycles();
        assertEquals(0, v2.metrics().sum("kore_messages_total"));
        assertEquals(0, v2.metrics().value("kore_exporter_up", "bot", "billing"), "forced v2 does not fall back");
        assertTrue(api.v1Windows.size() > 10, "the v1 run read v1");
    }
}
