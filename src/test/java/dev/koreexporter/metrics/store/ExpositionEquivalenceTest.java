package dev.koreexporter.metrics.store;

import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.TurnExemplar;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Session;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's own writers write exactly the bytes client_java's writers write for the same numbers (the
 * store's client_java snapshots), in all three formats, over a dataset meant to find differences: several bots
 * interleaving in the sort order, labels that need escaping and non-ASCII ones, exemplars, native histograms
 * whose schema had to shrink, a zero and a negative observation, counters above 10^7.
 */
class ExpositionEquivalenceTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00.123Z");
    private static final String[] CHANNELS = {"korevg", "ivrVoice", "twilio\"voice", "back\\slash", "new\nline"};
    private static final String[] LANGUAGES = {"en", "fr", "日本語", "français", null};
    private static final String[] PROVIDERS = {"google", "azure", "deepgram", "kore"};

    private static KoreMetrics dataset(PrometheusRegistry registry) {
        KoreMetrics m = new KoreMetrics(registry, Map.of(), "1.2.3", Clock.fixed(NOW, ZoneOffset.UTC));
        Random rnd = new Random(7);
        List<String> bots = List.of("alpha", "beta", "quo\"te");
        for (String bot : bots) {
            for (int i = 0; i < 400; i++) {
                double total = Math.pow(10, rnd.nextDouble() * 8 - 2);
                Latency l = new Latency(total, new Latency.Asr(rnd.nextDouble() * 900, PROVIDERS[rnd.nextInt(4)],
                        rnd.nextDouble()), new Latency.BotSegment(rnd.nextDouble() * 2000),
                        new Latency.Tts(rnd.nextDouble() * 500, PROVIDERS[rnd.nextInt(4)], (long) rnd.nextInt(300),
                                rnd.nextDouble() * 9000, rnd.nextBoolean() ? null : rnd.nextBoolean(),
                                rnd.nextBoolean() ? null : rnd.nextDouble() * 400));
                Message msg = new Message("m" + i, "s", Direction.OUTGOING, CHANNELS[rnd.nextInt(CHANNELS.length)],
                        LANGUAGES[rnd.nextInt(LANGUAGES.length)], NOW, l, null);
                m.message(bot, msg);
                m.turn(bot, msg, rnd.nextInt(3) == 0 ? null : new TurnExemplar(hex(rnd, 32), hex(rnd, 16)));
            }
            for (int i = 0; i < 1000; i++) {
                // One series with values over 10 decades: more than 160 native buckets, so its schema drops.
                Message wide = new Message("w" + i, "s", Direction.OUTGOING, "korevg", "en", NOW,
                        new Latency(Math.pow(10, rnd.nextDouble() * 10 - 3), null, null, null), null);
                m.turn(bot, wide, null);
            }
            m.turn(bot, new Message("zero", "s", Direction.OUTGOING, "korevg", "en", NOW,
                    new Latency(0.0, null, null, null), null), null);
            m.store().observe(bot, KoreMeter.TURN_LATENCY, -0.25, null, "korevg", "en");
            m.sessionClosed(bot, new Session("s1", "korevg", NOW.minusSeconds(300), NOW, false,
                    Containment.AGENT, "rtm", 12, List.of()));
            m.conversation(bot, new AgentAiConversation("c", "voice", "chat", NOW));
            m.recordDelay(bot, RecordKind.SESSION, Duration.ofSeconds(rnd.nextInt(4000)));
            m.cycleFinished(bot, true);
            m.store().add(bot, KoreMeter.MESSAGES, 123_456_789, "big", "incoming");
            ApiRequestListener api = m.apiListener(bot);
            api.requestCompleted(Endpoint.GET_SESSIONS, "200", Duration.ofMillis(rnd.nextInt(3000)));
            m.publish(bot);
        }
        m.lookback(Duration.ofMinutes(20));
        m.registerSpanDrops(() -> 3);
        return m;
    }

    private static String hex(Random rnd, int digits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static byte[] ours(KoreMetrics m, PrometheusRegistry registry, ExpositionFormat format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.store().write(format, ScrapeFilter.ALL, registry, out);
        return out.toByteArray();
    }

    private static byte[] clientJava(PrometheusRegistry registry, ExpositionFormat format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormatWriter writer = format.writer();
        writer.write(out, registry.scrape());
        return out.toByteArray();
    }

    @Test
    void textOpenMetricsAndProtobufAreByteForByteClientJavas() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        KoreMetrics m = dataset(registry);
        for (ExpositionFormat format : ExpositionFormat.values()) {
            byte[] expected = clientJava(registry, format);
            byte[] actual = ours(m, registry, format);
            if (format != ExpositionFormat.PROTOBUF) {
                assertEquals(new String(expected, StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8),
                        format.name());
            }
            assertArrayEquals(expected, actual, format.name());
        }
        String om = new String(ours(m, registry, ExpositionFormat.OPENMETRICS), StandardCharsets.UTF_8);
        assertTrue(om.contains(" # {span_id=\""), "the dataset has exemplars");
        assertTrue(om.contains("bot=\"quo\\\"te\"") && om.contains("channel=\"new\\nline\""), "escaped labels");
    }

    @Test
    void theDatasetReallyShrankANativeSchemaAndHasANegativeBucket() {
        PrometheusRegistry registry = new PrometheusRegistry();
        dataset(registry);
        var turns = (HistogramSnapshot) registry.scrape().stream()
                .filter(s -> s.getMetadata().getName().equals("kore_turn_latency_seconds")).findFirst().orElseThrow();
        assertTrue(turns.getDataPoints().stream().anyMatch(p -> p.getNativeSchema() < NativeHistogram.INITIAL_SCHEMA),
                "a series with a reduced schema");
        assertTrue(turns.getDataPoints().stream().anyMatch(p -> p.getNativeBucketsForNegativeValues().size() > 0),
                "a series with a negative bucket");
        assertTrue(turns.getDataPoints().stream().anyMatch(p -> p.getNativeZeroCount() > 0), "a zero observation");
    }
}
