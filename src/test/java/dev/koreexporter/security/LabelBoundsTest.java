package dev.koreexporter.security;

import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CONTRACT §4: the first 50 distinct values of a label pass, later new ones become other, missing unknown. */
class LabelBoundsTest {
    private static final Pattern LANGUAGE = Pattern.compile("language=\"([^\"]*)\"");
    private static final Instant T = Instant.parse("2026-11-20T12:00:00Z");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", new ManualClock(T));
    private int ids;

    private Message turn(String channel, String language) {
        return new Message("ms-" + ids++, "s-1", Direction.OUTGOING, channel, language, T,
                new Latency(800.0, null, null, null), null);
    }

    private Set<String> languages(MetricsText text) {
        Set<String> out = new TreeSet<>();
        for (String series : text.family("kore_turn_latency_seconds_count").keySet()) {
            Matcher m = LANGUAGE.matcher(series);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    @Test
    void the51stValueBecomesOtherAndFoldsAreCounted() {
        List<String> first50 = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            first50.add("l" + i);
            metrics.turn("bot", turn("korevg", "l" + i), null);
        }
        for (int i = 50; i < 60; i++) {
            metrics.turn("bot", turn("korevg", "l" + i), null);
        }
        metrics.turn("bot", turn("korevg", "l55"), null);   // a folded value folds again
        metrics.turn("bot", turn("korevg", "l7"), null);    // an admitted value stays itself
        metrics.turn("bot", turn("korevg", null), null);
        metrics.turn("bot", turn("korevg", " "), null);
        metrics.publish("bot");

        MetricsText text = MetricsText.of(registry);
        Set<String> expected = new TreeSet<>(first50);
        expected.add("other");
        expected.add("unknown");
        assertEquals(expected, languages(text));
        assertEquals(11, text.value("kore_turn_latency_seconds_count", "bot", "bot", "channel", "korevg",
                "language", "other"));
        assertEquals(2, text.value("kore_turn_latency_seconds_count", "bot", "bot", "channel", "korevg",
                "language", "l7"));
        assertEquals(2, text.value("kore_turn_latency_seconds_count", "bot", "bot", "channel", "korevg",
                "language", "unknown"));
        assertEquals(11, text.value("kore_exporter_label_values_folded_total", "label", "language"));
        // Each label has its own bound: one channel used so far, none folded.
        assertEquals(0, text.value("kore_exporter_label_values_folded_total", "label", "channel"));
    }

    @Test
    void labelsAreBoundedIndependently() {
        for (int i = 0; i < 55; i++) {
            metrics.turn("bot", turn("ch" + i, "en"), null);
        }
        metrics.publish("bot");
        MetricsText text = MetricsText.of(registry);
        assertEquals(5, text.value("kore_exporter_label_values_folded_total", "label", "channel"));
        assertEquals(0, text.value("kore_exporter_label_values_folded_total", "label", "language"));
        assertEquals(Set.of("en"), languages(text));
    }

    @Test
    void racingThreadsNeverAdmitMoreThan50() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * 1000;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 100; i++) {
                        metrics.turn("bot", new Message("m" + base + i, "s", Direction.OUTGOING, "korevg",
                                "x" + (base + i), T, new Latency(100.0, null, null, null), null), null);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        metrics.publish("bot");
        MetricsText text = MetricsText.of(registry);
        Set<String> langs = languages(text);
        assertTrue(langs.remove("other"));
        assertEquals(50, langs.size(), "distinct admitted values");
        assertEquals(threads * 100 - 50, text.value("kore_exporter_label_values_folded_total", "label", "language"));
    }
}
