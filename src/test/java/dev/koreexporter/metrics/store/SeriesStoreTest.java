package dev.koreexporter.metrics.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.TurnExemplar;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's hooks: publish, the series bound with its overflow series, export and restore, drop. */
class SeriesStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final String COUNT = "kore_turn_latency_seconds_count";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private int ids;

    private KoreMetrics metrics(int maxSeries) {
        return new KoreMetrics(registry, Map.of(), "t", Clock.fixed(NOW, ZoneOffset.UTC), 50, maxSeries);
    }

    private Message turn(String channel, String language, double totalMs) {
        return new Message("m" + ids++, "s", Direction.OUTGOING, channel, language, NOW,
                new Latency(totalMs, new Latency.Asr(totalMs / 3, "google", 0.9), new Latency.BotSegment(totalMs / 3),
                        new Latency.Tts(totalMs / 3, "azure", 20L, 900.0, true, totalMs / 10)), null);
    }

    private static String text(KoreMetrics m, ExpositionFormat format, ScrapeFilter filter, PrometheusRegistry r)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.store().write(format, filter, r, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void scrapesSeeWhatWasPublishedAndNothingAfter() {
        KoreMetrics m = metrics(500);
        m.turn("a", turn("korevg", "en", 800), null);
        m.message("a", turn("korevg", "en", 800));
        assertFalse(MetricsText.of(registry).series().containsKey(
                "kore_messages_total{bot=\"a\",channel=\"korevg\",direction=\"outgoing\"}"), "nothing before publish");

        m.publish("a");
        m.turn("a", turn("korevg", "en", 800), null);
        m.turn("a", turn("ivrVoice", "en", 800), null);
        MetricsText published = MetricsText.of(registry);
        assertEquals(1, published.value(COUNT, "bot", "a", "channel", "korevg", "language", "en"));
        assertFalse(published.series().containsKey(
                "kore_turn_latency_seconds_count{bot=\"a\",channel=\"ivrVoice\",language=\"en\"}"), "new, unpublished");
        assertEquals(0.8, published.value("kore_turn_latency_seconds_sum", "bot", "a", "channel", "korevg",
                "language", "en"), 1e-9, "the histogram as published, sum and buckets alike");

        m.publish("a");
        MetricsText later = MetricsText.of(registry);
        assertEquals(2, later.value(COUNT, "bot", "a", "channel", "korevg", "language", "en"));
        assertEquals(1, later.value(COUNT, "bot", "a", "channel", "ivrVoice", "language", "en"));
    }

    @Test
    void aBotKeepsAtMostTheBoundPerMetricAndFoldsTheRestIntoItsOverflowSeries() {
        KoreMetrics m = metrics(3);
        double sum = 0;
        for (int i = 0; i < 7; i++) {
            m.turn("a", turn("ch-" + i, "en", 100 * (i + 1)), null);
            sum += 0.1 * (i + 1);
        }
        m.turn("a", turn("ch-1", "en", 100), null);
        m.turn("b", turn("ch-9", "en", 100), null);
        m.publish("a");
        m.publish("b");
        MetricsText text = MetricsText.of(registry);
        assertEquals(List.of("ch-0", "ch-1", "ch-2", "other"), text.family(COUNT).keySet().stream()
                .filter(k -> k.contains("bot=\"a\"")).map(k -> k.replaceAll(".*channel=\"([^\"]*)\".*", "$1"))
                .sorted().toList());
        assertEquals(4, text.value(COUNT, "bot", "a", "channel", "other", "language", "other"));
        assertEquals(2, text.value(COUNT, "bot", "a", "channel", "ch-1", "language", "en"));
        assertEquals(8, text.sum(COUNT, "bot", "a"), "no observation lost");
        assertEquals(sum + 0.1, text.sum("kore_turn_latency_seconds_sum", "bot", "a"), 1e-9);
        assertEquals(4, text.value("kore_exporter_series_folded_total", "bot", "a", "metric",
                "kore_turn_latency_seconds"));
        assertEquals(1, text.value(COUNT, "bot", "b", "channel", "ch-9", "language", "en"), "b has its own bound");
        assertEquals(0, text.sum("kore_exporter_series_folded_total", "bot", "b"));
    }

    @Test
    void exportedStateSurvivesJsonAndRestoresEverySeriesOfTheBot() throws IOException {
        KoreMetrics before = metrics(500);
        Random rnd = new Random(1);
        for (int i = 0; i < 3000; i++) {
            before.turn("a", turn(i % 2 == 0 ? "korevg" : "ivrVoice", i % 3 == 0 ? "en" : "de",
                    Math.pow(10, rnd.nextDouble() * 6)), null);
            before.message("a", turn("korevg", "en", 1));
        }
        before.recordDelay("a", RecordKind.MESSAGE, Duration.ofSeconds(42));
        before.duplicate("a", RecordKind.SESSION);
        before.publish("a");
        ObjectMapper json = new ObjectMapper();
        String saved = json.writeValueAsString(before.export("a"));

        PrometheusRegistry other = new PrometheusRegistry();
        KoreMetrics after = new KoreMetrics(other, Map.of(), "t", Clock.fixed(NOW, ZoneOffset.UTC));
        after.restore("a", json.readValue(saved, BotSeriesState.class));

        for (ExpositionFormat format : List.of(ExpositionFormat.TEXT, ExpositionFormat.PROTOBUF)) {
            assertEquals(text(before, format, ScrapeFilter.ALL, registry), text(after, format, ScrapeFilter.ALL, other),
                    format + ": every counter and histogram, native buckets included");
        }
        assertTrue(saved.length() < 120_000, "compact: " + saved.length() + " characters");
        // Counting continues from the restored values.
        after.message("a", turn("korevg", "en", 1));
        after.publish("a");
        assertEquals(3001, MetricsText.of(other).value("kore_messages_total", "bot", "a", "channel", "korevg",
                "direction", "outgoing"));
    }

    @Test
    void restoringUnderALowerBoundFoldsAndChangedBucketsStartFromZero() throws IOException {
        KoreMetrics before = metrics(500);
        for (int i = 0; i < 5; i++) {
            before.turn("a", turn("ch-" + i, "en", 500), null);
        }
        before.recordDelay("a", RecordKind.MESSAGE, Duration.ofSeconds(42));
        BotSeriesState state = before.export("a");

        PrometheusRegistry other = new PrometheusRegistry();
        KoreMetrics after = new KoreMetrics(other, Map.of("kore_exporter_record_delay_seconds", List.of(1.0, 2.0)),
                "t", Clock.fixed(NOW, ZoneOffset.UTC), 50, 2);
        after.restore("a", state);
        MetricsText text = MetricsText.of(other);
        assertEquals(5, text.sum(COUNT, "bot", "a"));
        assertEquals(3, text.value(COUNT, "bot", "a", "channel", "other", "language", "other"));
        assertEquals(0, text.sum("kore_exporter_record_delay_seconds_count", "bot", "a"), "bounds changed");
    }

    @Test
    void aDroppedBotExportsNothingAndOthersStay() throws IOException {
        KoreMetrics m = metrics(500);
        m.turn("a", turn("korevg", "en", 800), null);
        m.turn("b", turn("korevg", "en", 800), null);
        m.cycleFinished("a", true);
        m.registerApiBudget("a", w -> 0.5);
        m.publish("a");
        m.publish("b");
        m.drop("a");
        String all = text(m, ExpositionFormat.OPENMETRICS, ScrapeFilter.ALL, registry);
        assertFalse(all.contains("bot=\"a\""), all);
        assertTrue(all.contains("bot=\"b\""), all);
        assertEquals(0, m.export("a").metrics().size());

        m.turn("a", turn("korevg", "en", 800), null);
        m.publish("a");
        assertEquals(1, MetricsText.of(registry).value(COUNT, "bot", "a", "channel", "korevg", "language", "en"),
                "a bot taken back counts from what it is given");
    }

    @Test
    void anExemplarIsShownForSeventySecondsAfterItWasObserved() throws IOException {
        ManualClock clock = new ManualClock(NOW);
        KoreMetrics m = new KoreMetrics(registry, Map.of(), "t", clock);
        m.turn("a", turn("korevg", "en", 800), new TurnExemplar(
                "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));
        m.publish("a");
        clock.advance(Duration.ofSeconds(70));
        String shown = text(m, ExpositionFormat.OPENMETRICS, ScrapeFilter.ALL, registry);
        assertTrue(shown.contains("kore_turn_latency_seconds_bucket{bot=\"a\",channel=\"korevg\",language=\"en\","
                + "le=\"1.0\"} 1 # {span_id=\"b7ad6b7169203331\",trace_id=\"0af7651916cd43dd8448eb211c80319c\"} 0.8 "
                + NOW.getEpochSecond() + ".000\n"), shown);
        clock.advance(Duration.ofMillis(1));
        String later = text(m, ExpositionFormat.OPENMETRICS, ScrapeFilter.ALL, registry);
        assertFalse(later.contains(" # {"), "as client_java: gone after 70 s");
        Family turns = Arrays.stream(m.store().families()).filter(f -> f.meter == KoreMeter.TURN_LATENCY)
                .findFirst().orElseThrow();
        assertTrue(((HistogramSeries) turns.sorted()[0]).state.exemplars == null,
                "and no longer held once a scrape found them expired");
        assertTrue(later.contains("kore_turn_latency_seconds_count{bot=\"a\",channel=\"korevg\",language=\"en\"} 1"));
    }

    @Test
    void filtersSelectBotsAndNames() throws IOException {
        KoreMetrics m = metrics(500);
        for (String bot : List.of("a", "b", "c")) {
            m.turn(bot, turn("korevg", "en", 800), null);
            m.publish(bot);
        }
        String ab = text(m, ExpositionFormat.TEXT, new ScrapeFilter(Set.of("a", "b"), List.of()), registry);
        assertTrue(ab.contains("bot=\"a\"") && ab.contains("bot=\"b\"") && !ab.contains("bot=\"c\""), ab);
        assertFalse(ab.contains("kore_exporter_build_info"), "series of no bot only with bot=(none)");
        String process = text(m, ExpositionFormat.TEXT, new ScrapeFilter(Set.of(ScrapeFilter.NO_BOT),
                List.of()), registry);
        assertTrue(process.contains("kore_exporter_build_info") && !process.contains("bot=\""), process);
        String names = text(m, ExpositionFormat.TEXT, new ScrapeFilter(Set.of(),
                List.of("kore_messages_total", "kore_bot_latency_seconds")), registry);
        assertTrue(names.contains("kore_bot_latency_seconds_count{bot=\"c\""), names);
        assertFalse(names.contains("kore_turn_latency_seconds"), names);
    }

    @Test
    void racingWritersPublishersAndScrapesLoseNothing() throws Exception {
        KoreMetrics m = metrics(500);
        int threads = 4;
        int turns = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < turns; i++) {
                        m.turn("shared", turn("ch-" + (i % 7), "en", 100 + id), null);
                        if (i % 50 == 0) {
                            m.publish("shared");
                        }
                    }
                    return null;
                }));
            }
            Future<?> scrapes = pool.submit(() -> {
                go.await();
                for (int i = 0; i < 50; i++) {
                    text(m, ExpositionFormat.PROTOBUF, ScrapeFilter.ALL, registry);
                }
                return null;
            });
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            scrapes.get();
        } finally {
            pool.shutdownNow();
        }
        m.publish("shared");
        MetricsText text = MetricsText.of(registry);
        assertEquals(threads * turns, text.sum(COUNT, "bot", "shared"));
        assertEquals(threads * turns, text.sum("kore_asr_latency_seconds_count", "bot", "shared"));
        long[] buckets = m.store().bucketCounts("shared", KoreMeter.TURN_LATENCY);
        assertEquals(threads * turns, Arrays.stream(buckets).sum(), "the status page's sums agree");
        assertArrayEquals(new long[] {threads * turns, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, buckets);
    }
}
