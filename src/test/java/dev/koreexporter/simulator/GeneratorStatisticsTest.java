package dev.koreexporter.simulator;

import dev.koreexporter.model.Latency;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;
import java.util.Objects;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generated traffic has the shape the brief asks for (checked on ground truth, no server needed). */
class GeneratorStatisticsTest {

    @Test
    void trafficMixAndLatencyShape() {
        ManualClock clock = new ManualClock(T0);
        SimulatorOptions o = SimulatorOptions.defaults().withClock(clock).withHistory(Duration.ofHours(6))
                .withSessionsPerMinutePerBot(10);
        try (LabSimulator sim = LabSimulator.start(o.withPort(0))) {
            String botId = o.bot("billing-voice").botId();
            List<TruthSession> closed = sim.groundTruth().sessions(botId).stream().filter(s -> s.session().closed()).toList();
            assertTrue(closed.size() > 2000, "sessions: " + closed.size());
            Map<String, Long> mix = closed.stream().collect(Collectors.groupingBy(s -> s.session().containment().wireName(),
                    Collectors.counting()));
            assertShare(0.60, mix.get("selfService"), closed.size(), 0.05);
            assertShare(0.25, mix.get("dropOff"), closed.size(), 0.05);
            assertShare(0.15, mix.get("agent"), closed.size(), 0.04);
            assertShare(0.90, closed.stream().filter(s -> s.session().sessionType().equals("interactive")).count(),
                    closed.size(), 0.04);
            assertTrue(closed.stream().anyMatch(s -> Duration.between(s.session().start(), s.session().end()).toMinutes() >= 20),
                    "a few long sessions");
            closed.forEach(s -> {
                long d = Duration.between(s.session().start(), s.session().end()).toSeconds();
                assertTrue(d >= 30 && d <= 3600, "duration " + d);
            });

            List<TruthMessage> messages = sim.groundTruth().messages(botId);
            Map<String, Long> perSession = messages.stream().collect(Collectors.groupingBy(m -> m.message().sessionId(),
                    Collectors.counting()));
            closed.forEach(s -> assertEquals(perSession.get(s.session().id()).intValue(), s.session().messages()));
            Map<String, Long> langs = messages.stream().collect(Collectors.groupingBy(m -> m.message().language(),
                    Collectors.counting()));
            assertTrue(langs.keySet().containsAll(List.of("en", "es", "de", "fr")));
            assertShare(0.70, langs.get("en"), messages.size(), 0.08);

            List<Latency> turns = messages.stream().filter(TruthMessage::turn).map(m -> m.message().latency()).toList();
            assertShare(0.03, turns.stream().filter(l -> l.asr() == null).count(), turns.size(), 0.015);
            assertShare(0.02, turns.stream().filter(l -> l.tts() == null).count(), turns.size(), 0.012);
            // What the total holds beyond the segments: none in a tenth of the turns, overlapping segments in a
            // twelfth, else telephony and endpointing (20-300 ms) with a tail of queuing (up to 2 s).
            List<Double> gaps = turns.stream().map(l -> l.totalMs() - (l.asr() == null ? 0 : l.asr().durationMs())
                    - l.bot().durationMs() - (l.tts() == null ? 0 : l.tts().durationMs())).toList();
            assertShare(0.10, gaps.stream().filter(g -> g == 0).count(), gaps.size(), 0.02);
            assertShare(0.08, gaps.stream().filter(g -> g < 0).count(), gaps.size(), 0.02);
            assertShare(0.80, gaps.stream().filter(g -> g >= 20 && g <= 300).count(), gaps.size(), 0.03);
            assertTrue(gaps.stream().allMatch(g -> g >= -150 && g <= 2000), "gaps within -150..2000 ms");
            assertTrue(turns.stream().allMatch(l -> l.totalMs() > 0), "overlapping segments still leave a total");
            assertEquals(300, median(turns, l -> l.asr() == null ? null : l.asr().durationMs()), 40);
            assertEquals(600, median(turns, l -> l.bot().durationMs()), 80);
            assertEquals(250, median(turns, l -> l.tts() == null ? null : l.tts().durationMs()), 40);
            assertTrue(turns.stream().anyMatch(l -> l.bot().durationMs() > 3000), "long bot tail");
            assertTrue(turns.stream().map(l -> l.asr() == null ? "-" : l.asr().provider()).distinct().count() >= 4);
            assertTrue(turns.stream().anyMatch(l -> l.tts() != null && l.tts().streaming() == null));
            turns.stream().filter(l -> l.tts() != null && l.tts().firstByteMs() != null).forEach(l -> {
                assertEquals(Boolean.TRUE, l.tts().streaming());
                assertTrue(l.tts().firstByteMs() < l.tts().durationMs());
            });
        }
    }

    private static void assertShare(double expected, Long count, long total, double tolerance) {
        double share = (count == null ? 0 : count) / (double) total;
        assertEquals(expected, share, tolerance, "share " + share);
    }

    private static double median(List<Latency> turns, Function<Latency, Double> f) {
        List<Double> v = turns.stream().map(f).filter(Objects::nonNull).sorted().toList();
        return v.get(v.size() / 2);
    }
}
