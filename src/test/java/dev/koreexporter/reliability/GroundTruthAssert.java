package dev.koreexporter.reliability;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.ingest.ExpectedMetrics;
import dev.koreexporter.model.Message;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.HorizonTruth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Exported series against the simulator's ground truth as it stood at {@code asOf}: every latency
 * histogram series, messages by channel and direction, closed sessions by containment, Agent AI
 * conversations. Nothing lost and nothing counted twice means every one of them is equal.
 */
final class GroundTruthAssert {
    private GroundTruthAssert() {
    }

    static void assertExact(LabSimulator sim, Instant floor, Instant asOf, Map<String, Double> exported) {
        assertExact(sim, floor, asOf, exported, false, bot -> true);
    }

    /** The same, for the simulator's bots that {@code which} accepts. */
    static void assertExact(LabSimulator sim, Instant floor, Instant asOf, Map<String, Double> exported,
                            Predicate<SimBot> which) {
        assertExact(sim, floor, asOf, exported, false, which);
    }

    /**
     * As a correct reader counts (README, "How it reads Kore.ai"): developer traffic only when included,
     * latency without the invalid values, no session with an end before its start.
     */
    static void assertExact(LabSimulator sim, Instant floor, Instant asOf, Map<String, Double> exported,
                            boolean includeDeveloper) {
        assertExact(sim, floor, asOf, exported, includeDeveloper, bot -> true);
    }

    private static void assertExact(LabSimulator sim, Instant floor, Instant asOf, Map<String, Double> exported,
                                    boolean includeDeveloper, Predicate<SimBot> which) {
        assertExact(sim, FaultHarness.POLL, floor, asOf, exported, includeDeveloper, which);
    }

    /**
     * The same, for pollers with {@code poll}'s session horizon (README "How it reads Kore.ai"): the sessions reported
     * closed within it after their start, the first read one interval after the start of the run.
     */
    static void assertExact(LabSimulator sim, ExporterConfig.Poll poll, Instant floor, Instant asOf,
                            Map<String, Double> exported, boolean includeDeveloper, Predicate<SimBot> which) {
        GroundTruth truth = sim.groundTruth();
        for (SimBot bot : sim.bots().stream().filter(which).toList()) {
            List<Message> messages = truth.messages(bot.botId(), floor, asOf, asOf).stream()
                    .filter(t -> t.counted(includeDeveloper)).map(TruthMessage::observedMessage).toList();
            assertFalse(messages.isEmpty(), "the simulator generated traffic for " + bot.name());
            List<Message> turns = messages.stream().filter(Message::isTurn).toList();
            for (Map.Entry<String, Function<Message, ExpectedMetrics.Observation>> h :
                    ExpectedMetrics.turnHistograms(bot.name()).entrySet()) {
                String name = h.getKey();
                Map<String, Double> expected = ExpectedMetrics.histogram(name,
                        turns.stream().map(h.getValue()).filter(Objects::nonNull).toList());
                Map<String, Double> actual = family(exported, name, bot.name());
                assertEquals(expected.keySet(), actual.keySet(), name + " series of " + bot.name());
                expected.forEach((k, v) -> assertEquals(v, actual.get(k), k.contains("_sum{") ? 1e-6 : 0, k));
            }
            Map<String, Double> byChannelDirection = new TreeMap<>();
            messages.forEach(m -> byChannelDirection.merge("kore_messages_total{bot=\"" + bot.name() + "\",channel=\""
                    + m.channel() + "\",direction=\"" + m.direction().label() + "\"}", 1.0, Double::sum));
            assertEquals(byChannelDirection, family(exported, "kore_messages_total", bot.name()),
                    "messages of " + bot.name());

            List<TruthSession> closed = HorizonTruth.counted(truth, bot.botId(), floor,
                    floor.plus(poll.backfill()).plus(poll.interval()), poll.sessionHorizon(),
                    poll.sweepInterval().plus(poll.interval().multipliedBy(2)), asOf, includeDeveloper);
            assertFalse(closed.isEmpty(), "sessions closed for " + bot.name());
            Map<String, Double> byContainment = new TreeMap<>();
            closed.forEach(s -> byContainment.merge(s.session().containment().wireName(), 1.0, Double::sum));
            Map<String, Double> exportedByContainment = new TreeMap<>();
            family(exported, "kore_sessions_total", bot.name()).forEach((k, v) -> exportedByContainment.merge(
                    k.replaceAll(".*containment=\"([^\"]*)\".*", "$1"), v, Double::sum));
            assertEquals(byContainment, exportedByContainment, "closed sessions of " + bot.name());

            long conversations = truth.conversations(bot.botId(), floor, asOf, asOf).stream()
                    .filter(c -> c.valid()).count();
            assertEquals((double) conversations, sum(exported, "kore_agentai_conversations_total", bot.name()),
                    "Agent AI conversations of " + bot.name());
            double characters = messages.stream().filter(Message::isTurn).map(m -> m.latency().tts())
                    .filter(t -> t != null && t.characters() != null).mapToDouble(t -> t.characters()).sum();
            assertEquals(characters, sum(exported, "kore_tts_characters_total", bot.name()),
                    "TTS characters of " + bot.name());
        }
    }

    /** Series of one family (histogram parts included) of one bot, zero-valued ones left out. */
    static Map<String, Double> family(Map<String, Double> series, String name, String bot) {
        Map<String, Double> out = new TreeMap<>();
        series.forEach((k, v) -> {
            boolean member = k.startsWith(name + "{") || k.startsWith(name + "_bucket{") || k.startsWith(name + "_count{")
                    || k.startsWith(name + "_sum{");
            if (member && k.contains("bot=\"" + bot + "\"") && (v != 0 || k.contains("_bucket{"))) {
                out.put(k, v);
            }
        });
        return out;
    }

    static double sum(Map<String, Double> series, String name, String bot) {
        return family(series, name, bot).entrySet().stream().filter(e -> e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
