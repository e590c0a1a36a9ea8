package dev.koreexporter.http;

import dev.koreexporter.poll.BotStatus;
import dev.koreexporter.testing.ManualClock;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page against a registry filled the way the exporter names its metrics (README, "Metrics"), on a
 * manual clock: every figure is worked out here from what was observed.
 */
class StatusPageTest {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final Pattern ROW = Pattern.compile("<tr class=\"bot\" data-bot=\"([^\"]*)\">(.*?)</tr>");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ManualClock clock = new ManualClock(T0);
    private final Histogram turns = Histogram.builder().name("kore_turn_latency_seconds").help("h")
            .labelNames("bot", "channel", "language").classicOnly().classicUpperBounds(0.5, 1, 2).register(registry);
    private final Histogram delay = Histogram.builder().name("kore_exporter_record_delay_seconds").help("h")
            .labelNames("bot", "kind").classicOnly().classicUpperBounds(5, 15, 30, 60, 120).register(registry);
    private final Gauge containment = Gauge.builder().name("kore_containment_ratio").help("h")
            .labelNames("bot", "containment").register(registry);
    private final Gauge budget = Gauge.builder().name("kore_exporter_api_budget_used_ratio").help("h")
            .labelNames("bot", "window").register(registry);
    private final Gauge lag = Gauge.builder().name("kore_exporter_watermark_lag_seconds").help("h")
            .labelNames("bot").register(registry);
    private final Gauge lastSuccess = Gauge.builder().name("kore_exporter_last_success_timestamp_seconds").help("h")
            .labelNames("bot").register(registry);

    private static String row(String html, String bot) {
        Matcher m = ROW.matcher(html);
        while (m.find()) {
            if (m.group(1).equals(bot)) {
                return m.group(2);
            }
        }
        throw new AssertionError("no row for " + bot + " in " + html);
    }

    private static void observe(Histogram h, String channel, double value, int times) {
        for (int i = 0; i < times; i++) {
            h.labelValues("alpha", channel, "en").observe(value);
        }
    }

    @Test
    void figuresOverTheLastFifteenMinutes() {
        List<BotStatus> statuses = List.of(
                new BotStatus("alpha", 3, true, T0, T0, null, true),
                new BotStatus("beta", 0, false, null, null, null, true));
        StatusPage page = new StatusPage("9.9.9", () -> statuses, registry, clock);
        // Before the window: 500 turns under 0.5 s that must not count.
        observe(turns, "ivrVoice", 0.2, 500);
        String first = page.html();
        assertTrue(row(first, "alpha").contains("collecting"), first);

        clock.advance(Duration.ofMinutes(7));
        page.html();
        clock.advance(Duration.ofMinutes(8));
        // In the window, over two channels: 10 up to 0.5 s, 30 in (0.5, 1], 40 in (1, 2], 20 above.
        observe(turns, "ivrVoice", 0.3, 10);
        observe(turns, "korevg", 0.7, 30);
        observe(turns, "ivrVoice", 1.5, 40);
        observe(turns, "korevg", 3.0, 20);
        for (int i = 0; i < 10; i++) {
            delay.labelValues("alpha", i < 5 ? "message" : "session").observe(45);
        }
        containment.labelValues("alpha", "agent").set(0.1);
        containment.labelValues("alpha", "selfService").set(0.6);
        containment.labelValues("alpha", "dropOff").set(0.3);
        budget.labelValues("alpha", "1m").set(0.25);
        budget.labelValues("alpha", "1h").set(0.031);
        lag.labelValues("alpha").set(42);
        lastSuccess.labelValues("alpha").set(T0.plus(Duration.ofMinutes(14)).getEpochSecond());

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
        StatusPage page = new StatusPage("1", () -> statuses, registry, clock);
        page.html();
        clock.advance(Duration.ofMinutes(4));
        observe(turns, "ivrVoice", 0.25, 12);
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
        String html = new StatusPage("1", () -> statuses, registry, clock).html();
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
        containment.labelValues("a\"><script>alert(1)</script>", "<img src=y onerror=alert(3)>").set(0.5);
        String html = new StatusPage("<b>v</b>", () -> statuses, registry, clock).html();
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>"), html);
        assertFalse(html.contains("eyJ"), "no JWT: " + html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
        assertTrue(html.contains("&lt;img src=y onerror=alert(3)&gt; 50%"), html);
        assertTrue(html.contains("[token removed]"), html);
    }
}
