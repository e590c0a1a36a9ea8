package dev.koreexporter.http;

import dev.koreexporter.kore.BudgetWindow;
import dev.koreexporter.metrics.BotFigures;
import dev.koreexporter.metrics.BotGauges;
import dev.koreexporter.metrics.BucketCounts;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.poll.BotStatus;
import dev.koreexporter.testing.ManualClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page against the exporter's own metrics fed turns, record delays and a poller's gauges, on a manual
 * clock: every figure is worked out here from what was observed.
 */
class StatusPageTest {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final Pattern ROW = Pattern.compile("<tr class=\"bot\" data-bot=\"([^\"]*)\">(.*?)</tr>");

    private final ManualClock clock = new ManualClock(T0);
    private final KoreMetrics metrics = new KoreMetrics(new PrometheusRegistry(),
            Map.of("kore_turn_latency_seconds", List.of(0.5, 1.0, 2.0),
                    "kore_exporter_record_delay_seconds", List.of(5.0, 15.0, 30.0, 60.0, 120.0)), "test", clock);
    /** What alpha's poller reports; set by the tests. */
    private volatile double lag = Double.NaN;
    private volatile Map<Containment, Double> containment = Map.of();
    private int ids;

    private void registerAlpha() {
        metrics.register(new BotGauges() {
            @Override
            public String bot() {
                return "alpha";
            }

            @Override
            public OptionalDouble watermarkLagSeconds(Instant now) {
                return Double.isNaN(lag) ? OptionalDouble.empty() : OptionalDouble.of(lag);
            }

            @Override
            public Map<Containment, Double> containmentRatios(Instant now) {
                return containment;
            }
        });
    }

    private static String row(String html, String bot) {
        Matcher m = ROW.matcher(html);
        while (m.find()) {
            if (m.group(1).equals(bot)) {
                return m.group(2);
            }
        }
        throw new AssertionError("no row for " + bot + " in " + html);
    }

    /** Turns of alpha, published as its poller publishes them. */
    private void observe(String channel, double seconds, int times) {
        for (int i = 0; i < times; i++) {
            metrics.turn("alpha", new Message("ms-" + ids++, "s-1", Direction.OUTGOING, channel, "en", clock.instant(),
                    new Latency(seconds * 1000, null, null, null), null), null);
        }
        metrics.publish("alpha");
    }

    @Test
    void figuresOverTheLastFifteenMinutes() {
        BotStatus betaStatus = new BotStatus("beta", 0, false, null, null, null, true);
        AtomicReference<List<BotStatus>> statuses = new AtomicReference<>(List.of(
                new BotStatus("alpha", 3, true, T0, T0, null, true), betaStatus));
        registerAlpha();
        StatusPage page = new StatusPage("9.9.9", statuses::get, metrics, clock);
        // Before the window: 500 turns under 0.5 s that must not count.
        observe("ivrVoice", 0.2, 500);
        String first = page.html();
        assertTrue(row(first, "alpha").contains("collecting"), first);

        clock.advance(Duration.ofMinutes(7));
        page.html();
        clock.advance(Duration.ofMinutes(8));
        // In the window, over two channels: 10 up to 0.5 s, 30 in (0.5, 1], 40 in (1, 2], 20 above.
        observe("ivrVoice", 0.3, 10);
        observe("korevg", 0.7, 30);
        observe("ivrVoice", 1.5, 40);
        observe("korevg", 3.0, 20);
        for (int i = 0; i < 10; i++) {
            metrics.recordDelay("alpha", i < 5 ? RecordKind.MESSAGE : RecordKind.SESSION, Duration.ofSeconds(45));
        }
        metrics.publish("alpha");
        containment = Map.of(Containment.AGENT, 0.1, Containment.SELF_SERVICE, 0.6, Containment.DROP_OFF, 0.3);
        metrics.registerApiBudget("alpha", w -> w == BudgetWindow.MINUTE ? 0.25 : 0.031);
        lag = 42;
        statuses.set(List.of(new BotStatus("alpha", 3, true, T0.plus(Duration.ofMinutes(14)), T0, null, true),
                betaStatus));

        String html = page.html();
        String alpha = row(html, "alpha");
        // 100 turns in 15 minutes
        assertTrue(alpha.contains(">6.7<"), alpha);
        assertTrue(alpha.contains("last 15 min"), alpha);
        // p50: 1 + 1 * (50 - 40) / 40; p90 falls above 2 s, the highest bound
        assertTrue(alpha.contains("1.25 s / 2.00 s"), alpha);
        // all 10 delays in (30, 60]: 30 + 30 * 9/10
        assertTrue(alpha.contains(">57 s<"), alpha);
        assertTrue(alpha.contains("25% / 3.1%"), alpha);
        assertTrue(alpha.contains(">42 s<"), alpha);
        assertTrue(alpha.contains(">12:14:00 UTC<") && alpha.contains("title=\"2026-11-20 12:14:00 UTC\""), alpha);
        assertTrue(alpha.contains("60 s ago"), alpha);
        assertTrue(alpha.matches(".*self-service 60%.*drop-off 30%.*agent 10%.*"), alpha);
        assertTrue(alpha.contains(">ok<"), alpha);

        String beta = row(html, "beta");
        assertTrue(beta.contains(">pending<"), beta);
        assertTrue(beta.contains("never"), beta);
        assertEquals(8, beta.split(HtmlText.DASH, -1).length - 1, "every figure of beta is a dash: " + beta);
        assertTrue(html.contains("1 of 2 bots ok"), html);
        assertTrue(html.contains("version 9.9.9"), html);
        for (String link : List.of("href=\"/metrics\"", "href=\"/health/ready\"", "href=\"/health/live\"",
                "doctor --config FILE")) {
            assertTrue(html.contains(link), link);
        }
    }

    @Test
    void aRestartedWindowIsShorter() {
        List<BotStatus> statuses = List.of(new BotStatus("alpha", 1, true, T0, T0, null, true));
        StatusPage page = new StatusPage("1", () -> statuses, metrics, clock);
        page.html();
        clock.advance(Duration.ofMinutes(4));
        observe("ivrVoice", 0.25, 12);
        String alpha = row(page.html(), "alpha");
        assertTrue(alpha.contains("last 4 min"), alpha);
        // 12 turns in 4 minutes; all in the first bucket: p50 = 0.5 * 6/12, p90 = 0.5 * 10.8/12
        assertTrue(alpha.contains(">3.0<"), alpha);
        assertTrue(alpha.contains("250 ms / 450 ms"), alpha);
    }

    @Test
    void statesFollowTheBotStatus() {
        List<BotStatus> statuses = List.of(
                new BotStatus("failing-bot", 2, false, null, null, "getSessions: HTTP 401 authentication refused", true),
                new BotStatus("stopped-bot", 0, false, null, null, "checkpoint /s/x.json unreadable: delete it", false),
                new BotStatus("unwritable", 4, true, T0, T0, null, false));
        String html = new StatusPage("1", () -> statuses, metrics, clock).html();
        assertTrue(row(html, "failing-bot").contains(">failing<"), html);
        assertTrue(row(html, "stopped-bot").contains(">stopped<"), html);
        assertTrue(row(html, "unwritable").contains(">failing<") && row(html, "unwritable").contains("checkpoint not written"), html);
        assertTrue(html.contains("last error: getSessions: HTTP 401 authentication refused"), html);
        assertTrue(html.contains("0 of 3 bots ok"), html);
    }

    @Test
    void hostileStringsAreEscapedAndTokensNeverShown() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJhcHBJZCI6ImNzLTEifQ.c2lnbmF0dXJlLXNlY3JldA";
        List<BotStatus> statuses = List.of(new BotStatus("a\"><script>alert(1)</script>", 1, false, null, null,
                "getMessagesV2: HTTP 400 <script>alert('x')</script><img src=x onerror=alert(2)> auth: " + jwt, true));
        // Figures with hostile strings (containment types are a closed set today: the page must not rely on that).
        BotFigures hostile = new BotFigures(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                Map.of("<img src=y onerror=alert(3)>", 0.5), BucketCounts.EMPTY, BucketCounts.EMPTY);
        String html = new StatusPage("<b>v</b>", () -> statuses, bot -> hostile, clock).html();
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>"), html);
        assertFalse(html.contains("eyJ"), "no JWT: " + html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
        assertTrue(html.contains("&lt;img src=y onerror=alert(3)&gt; 50%"), html);
        assertTrue(html.contains("[token removed]"), html);
    }
}
