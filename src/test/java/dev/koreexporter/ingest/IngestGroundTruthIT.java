package dev.koreexporter.ingest;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Message;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.HorizonTruth;
import dev.koreexporter.testing.LogCapture;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.TestConfig;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A simulated hour of live traffic (plus the hour of history the first start backfills), with records
 * landing up to 15 minutes late, small pages and a record repeated across a page boundary: what the
 * exporter exported must equal what the simulator generated, series by series.
 */
class IngestGroundTruthIT {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final Instant FLOOR = T0.minus(IngestHarness.POLL.backfill());
    private static final Instant LIVE_END = T0.plus(Duration.ofHours(1));
    /**
     * After traffic stops, long enough for every late record to land and be read (sessions run on to their
     * inactivity close: {@link IngestHarness#everyClosureRead} may be later).
     */
    private static final Instant END = LIVE_END.plus(Duration.ofMinutes(20));

    @TempDir
    Path stateDir;

    private IngestHarness harness(List<ExporterConfig.Bot> extraBots) {
        ManualClock clock = new ManualClock(T0);
        LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults()
                .withPort(0).withSeed(20261120).withClock(clock)
                .withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(1.5)
                .withMaxLateness(Duration.ofMinutes(15))
                .withRateLimits(1_000_000, 10_000_000)
                .withPageCaps(10, 100, 1000, 60, 5));
        List<ExporterConfig.Bot> bots = new ArrayList<>(sim.bots().stream().map(IngestHarness::configOf).toList());
        bots.addAll(extraBots);
        return new IngestHarness(clock, sim, stateDir, bots);
    }

    private static void runToEnd(IngestHarness h, IngestHarness.Run run) {
        run.cyclesUntil(LIVE_END);
        h.sim.pauseTraffic();
        run.cyclesUntil(h.everyClosureRead(LIVE_END, END));
    }

    @Test
    void everySeriesEqualsGroundTruthAcrossLateDataPagingAndRepeatedRecords() {
        try (IngestHarness h = harness(List.of())) {
            h.sim.faults().set(Fault.of(FaultType.PAGE_SHIFT));
            IngestHarness.Run run = h.start();
            runToEnd(h, run);
            assertMatchesGroundTruth(h, run.metrics().series());
            assertTrue(run.metrics().sum("kore_exporter_duplicates_dropped_total") > 0);
            // The rule is not idle here: some sessions are reported closed too late to count.
            Instant now = h.clock.instant();
            assertTrue(h.sim.bots().stream().flatMap(b -> h.sim.groundTruth().sessions(b.botId(), now).stream())
                    .anyMatch(s -> s.session().closed() && !s.session().start().isBefore(FLOOR)
                            && s.reportedClosedBy(now) && !s.closureReportedWithin(h.poll.sessionHorizon())));
        }
    }

    /** Abandoned between pages (no final checkpoint), the per-page checkpoint still holds everything: exact. */
    @ParameterizedTest(name = "graceful stop: {0}")
    @ValueSource(booleans = {true, false})
    void restartMidRunIsExact(boolean graceful) {
        try (IngestHarness h = harness(List.of())) {
            IngestHarness.Run first = h.start();
            first.cyclesUntil(T0.plus(Duration.ofMinutes(25)));
            if (graceful) {
                first.stopGracefully();
            } else {
                first.abandon();
            }
            IngestHarness.Run second = h.start();
            runToEnd(h, second);
            assertMatchesGroundTruth(h, h.totals());
        }
    }

    @Test
    void aBotWithBadCredentialsIsDownWhileTheOthersStayExact() {
        String secret = "RECOGNISABLE-wrong-secret-4f1c2e9a7b";
        try (IngestHarness h = harness(List.of())) {
            LogCapture capture = LogCapture.of("");
            SimBot victim = h.sim.bots().getFirst();
            ExporterConfig.Bot intruder = TestConfig.builder()
                    .bot("intruder", victim.botId(), victim.clientId(), secret)
                    .set("bots[0].channels", victim.channels()).bot();
            List<ExporterConfig.Bot> bots = new ArrayList<>(h.bots);
            bots.add(intruder);
            IngestHarness withIntruder = new IngestHarness(h.clock, h.sim, stateDir, bots);
            IngestHarness.Run run = withIntruder.start();
            runToEnd(h, run);

            var m = run.metrics();
            assertEquals(0, m.value("kore_exporter_up", "bot", "intruder"));
            assertTrue(m.sum("kore_exporter_api_requests_total", "bot", "intruder", "code", "401") > 0);
            assertEquals(0, m.sum("kore_messages_total", "bot", "intruder"));
            assertMatchesGroundTruth(h, withoutBot(m.series(), "intruder"));
            String status = run.pollers.getLast().status().lastError();
            assertTrue(status != null && (status.contains("401") || status.toLowerCase().contains("auth")), String.valueOf(status));
            assertFalse(m.text().contains(secret));
            assertFalse(status.contains(secret));
            assertTrue(capture.lines().stream().anyMatch(l -> l.contains("bot=intruder")),
                    "the log capture saw the intruder's failures");
            assertTrue(capture.lines().stream().noneMatch(l -> l.contains(secret)));
            capture.close();
        }
    }

    private static Map<String, Double> withoutBot(Map<String, Double> series, String bot) {
        Map<String, Double> out = new TreeMap<>(series);
        out.keySet().removeIf(k -> k.contains("bot=\"" + bot + "\""));
        return out;
    }

    private static void assertMatchesGroundTruth(IngestHarness h, Map<String, Double> exported) {
        assertMatchesGroundTruth(h, exported, false);
    }

    /**
     * Compares every kore_* record-derived series of every simulated bot with ground truth, as a correct
     * reader counts it: developer traffic only when included, latency without its invalid values.
     */
    static void assertMatchesGroundTruth(IngestHarness h, Map<String, Double> exported, boolean includeDeveloper) {
        GroundTruth truth = h.sim.groundTruth();
        Instant now = h.clock.instant();
        for (SimBot bot : h.sim.bots()) {
            List<Message> messages = truth.messages(bot.botId(), FLOOR, now, now).stream()
                    .filter(t -> t.counted(includeDeveloper)).map(TruthMessage::observedMessage).toList();
            assertFalse(messages.isEmpty(), "the simulator generated traffic for " + bot.name());
            List<Message> turns = messages.stream().filter(Message::isTurn).toList();

            for (Map.Entry<String, Function<Message, ExpectedMetrics.Observation>> h2 :
                    ExpectedMetrics.turnHistograms(bot.name()).entrySet()) {
                String name = h2.getKey();
                List<ExpectedMetrics.Observation> obs = turns.stream().map(h2.getValue())
                        .filter(Objects::nonNull).toList();
                Map<String, Double> expected = ExpectedMetrics.histogram(name, obs);
                Map<String, Double> actual = family(exported, name, bot.name());
                assertEquals(expected.keySet(), actual.keySet(), name + " series of " + bot.name());
                expected.forEach((k, v) -> {
                    if (k.contains("_sum")) {
                        assertEquals(v, actual.get(k), 1e-6, k);
                    } else {
                        assertEquals(v, actual.get(k), k);
                    }
                });
            }
            Map<String, Double> byChannelDirection = new TreeMap<>();
            for (Message m : messages) {
                byChannelDirection.merge(m.channel() + "/" + m.direction().label(), 1.0, Double::sum);
            }
            byChannelDirection.forEach((cd, n) -> assertEquals(n, exported.getOrDefault(
                    "kore_messages_total{bot=\"" + bot.name() + "\",channel=\"" + cd.split("/")[0]
                            + "\",direction=\"" + cd.split("/")[1] + "\"}", 0.0), "messages " + cd));

            // Quiet streams re-read their whole span every cycle: a start's last re-read is within two intervals
            // after start + horizon (README "How it reads Kore.ai").
            List<TruthSession> closed = HorizonTruth.counted(truth, bot.botId(), FLOOR,
                    T0.plus(h.poll.interval()), h.poll.sessionHorizon(), h.poll.interval().multipliedBy(2), now,
                    includeDeveloper);
            assertFalse(closed.isEmpty());
            Map<String, Double> byContainment = new TreeMap<>();
            closed.forEach(s -> byContainment.merge(s.session().containment().wireName(), 1.0, Double::sum));
            for (var e : byContainment.entrySet()) {
                assertEquals(e.getValue(), sum(exported, "kore_sessions_total", bot.name(), "containment=\"" + e.getKey() + "\""),
                        "sessions " + e.getKey() + " of " + bot.name());
            }
            assertEquals(closed.size(), sum(exported, "kore_sessions_total", bot.name(), ""), "sessions of " + bot.name());
            long conversations = truth.conversations(bot.botId(), FLOOR, now, now).stream()
                    .filter(c -> c.valid()).count();
            assertEquals(conversations, sum(exported, "kore_agentai_conversations_total", bot.name(), ""));
            for (String k : exported.keySet()) {
                if (k.startsWith("kore_turn_latency_seconds") || k.startsWith("kore_asr_") || k.startsWith("kore_tts_")) {
                    assertFalse(k.contains("channel=\"rtm\""), "chat adds no latency observations: " + k);
                }
            }
        }
    }

    private static Map<String, Double> family(Map<String, Double> series, String name, String bot) {
        Map<String, Double> out = new TreeMap<>();
        series.forEach((k, v) -> {
            boolean member = k.startsWith(name + "_bucket{") || k.startsWith(name + "_count{") || k.startsWith(name + "_sum{");
            if (member && k.contains("bot=\"" + bot + "\"")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static double sum(Map<String, Double> series, String name, String bot, String extra) {
        return series.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{") && e.getKey().contains("bot=\"" + bot + "\"")
                        && e.getKey().contains(extra))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
