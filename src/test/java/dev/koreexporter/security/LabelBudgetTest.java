package dev.koreexporter.security;

import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-bot label budgets (README "Metrics", {@code metrics.max-label-values}): a flood of values on one bot
 * folds only that bot's later values into {@code other}, values over 64 characters fold too, and every sum
 * still equals what was fed in.
 */
class LabelBudgetTest {
    private static final Instant T = Instant.parse("2026-11-20T12:00:00Z");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private int ids;

    private Message turn(String channel, String language, double totalMs) {
        return new Message("ms-" + ids++, "s-1", Direction.OUTGOING, channel, language, T,
                new Latency(totalMs, new Latency.Asr(100.0, "asr-" + (ids % 3), 0.9), null, null), null);
    }

    private Session session(String channel, String type) {
        return new Session("s-" + ids++, channel, T.minusSeconds(60), T, false, Containment.SELF_SERVICE, type, 4,
                List.of());
    }

    private static Set<String> values(MetricsText text, String family, String bot, String label) {
        Pattern p = Pattern.compile(label + "=\"([^\"]*)\"");
        Set<String> out = new TreeSet<>();
        text.family(family).keySet().stream().filter(k -> k.contains("bot=\"" + bot + "\"")).forEach(k -> {
            Matcher m = p.matcher(k);
            if (m.find()) {
                out.add(m.group(1));
            }
        });
        return out;
    }

    @Test
    void aFloodOnOneBotNeverFoldsAnotherBotsValuesAndSumsStayExact() {
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", new ManualClock(T));
        // Bot A floods first with 500 languages (two turns each); bot B's 5 languages arrive afterwards.
        double sumA = 0;
        int turnsA = 0;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 500; i++) {
                double ms = 100 + i;
                metrics.turn("a", turn("korevg", "lang-" + i, ms), null);
                sumA += ms / 1000;
                turnsA++;
            }
        }
        double sumB = 0;
        for (int i = 0; i < 5; i++) {
            for (int n = 0; n < 3; n++) {
                metrics.turn("b", turn("korevg", "b-lang-" + i, 700), null);
                sumB += 0.7;
            }
        }
        metrics.publish("a");
        metrics.publish("b");

        MetricsText text = MetricsText.of(registry);
        String count = "kore_turn_latency_seconds_count";
        Set<String> bLanguages = values(text, count, "b", "language");
        assertEquals(Set.of("b-lang-0", "b-lang-1", "b-lang-2", "b-lang-3", "b-lang-4"), bLanguages);
        Set<String> aLanguages = values(text, count, "a", "language");
        assertTrue(aLanguages.remove("other"), "bot a has an other series");
        Set<String> first50 = new TreeSet<>();
        for (int i = 0; i < 50; i++) {
            first50.add("lang-" + i);
        }
        assertEquals(first50, aLanguages);
        assertEquals(2 * 450, text.value(count, "bot", "a", "channel", "korevg", "language", "other"));
        // Folding only renames: counts and sums add up to exactly what was fed, per bot.
        assertEquals(turnsA, text.sum(count, "bot", "a"));
        assertEquals(15, text.sum(count, "bot", "b"));
        assertEquals(sumA, text.sum("kore_turn_latency_seconds_sum", "bot", "a"), 1e-6);
        assertEquals(sumB, text.sum("kore_turn_latency_seconds_sum", "bot", "b"), 1e-6);
        assertEquals(turnsA, text.sum("kore_asr_latency_seconds_count", "bot", "a"));
        assertEquals(2 * 450, text.value("kore_exporter_label_values_folded_total", "label", "language"));

        int seriesA = text.family(count).keySet().stream().filter(k -> k.contains("bot=\"a\"")).toList().size();
        int allSeries = text.series().size();
        assertEquals(51, seriesA, "bot a: 50 languages + other, one channel");
        // Reported in docs/reliability.md (label flood row).
        System.out.println("label flood: bot a " + seriesA + " turn series for 500 languages, bot b "
                + bLanguages.size() + "; " + allSeries + " series in the whole scrape");
    }

    @Test
    void theBudgetIsSharedByAllMetricsOfABot() {
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", new ManualClock(T));
        for (int i = 0; i < 30; i++) {
            metrics.message("a", new Message("m" + ids++, "s", Direction.INCOMING, "ch-" + i, "en", T, null, null));
        }
        for (int i = 30; i < 80; i++) {
            metrics.sessionClosed("a", session("ch-" + i, "rtm"));
        }
        // ch-0..29 from messages and ch-30..49 from sessions fill the channel budget; a turn on ch-5 is kept.
        metrics.turn("a", turn("ch-5", "en", 500), null);
        metrics.turn("a", turn("ch-60", "en", 500), null);
        metrics.publish("a");

        MetricsText text = MetricsText.of(registry);
        Set<String> sessionChannels = values(text, "kore_sessions_total", "a", "channel");
        assertTrue(sessionChannels.remove("other"));
        assertEquals(20, sessionChannels.size(), sessionChannels.toString());
        assertEquals(30, text.value("kore_sessions_total", "bot", "a", "channel", "other", "containment",
                "selfService", "session_type", "rtm"));
        assertEquals(50, text.sum("kore_sessions_total", "bot", "a"));
        assertEquals(Set.of("ch-5", "other"), values(text, "kore_turn_latency_seconds_count", "a", "channel"));
    }

    @Test
    void valuesOver64CharactersFoldAndOtherAndUnknownTakeNoSlot() {
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", new ManualClock(T), 3);
        String max = "x".repeat(64);
        String tooLong = "y".repeat(65);
        metrics.conversation("c", new AgentAiConversation("c1", "other", "chat", T));
        metrics.conversation("c", new AgentAiConversation("c2", "unknown", "chat", T));
        metrics.conversation("c", new AgentAiConversation("c3", tooLong, "chat", T));
        metrics.conversation("c", new AgentAiConversation("c4", max, "chat", T));
        metrics.conversation("c", new AgentAiConversation("c5", "voice", "chat", T));
        metrics.conversation("c", new AgentAiConversation("c6", "web", "chat", T));
        metrics.conversation("c", new AgentAiConversation("c7", "sms", "chat", T));   // fourth value: limit is 3
        metrics.conversation("c", new AgentAiConversation("c8", null, "chat", T));
        metrics.publish("c");

        MetricsText text = MetricsText.of(registry);
        String family = "kore_agentai_conversations_total";
        assertEquals(new TreeSet<>(Set.of("other", "unknown", max, "voice", "web")),
                values(text, family, "c", "channel_type"));
        assertEquals(3, text.value(family, "bot", "c", "channel_type", "other", "experience", "chat"));
        assertEquals(2, text.value(family, "bot", "c", "channel_type", "unknown", "experience", "chat"));
        assertEquals(8, text.sum(family, "bot", "c"));
        assertEquals(2, text.value("kore_exporter_label_values_folded_total", "label", "channel_type"));
    }
}
