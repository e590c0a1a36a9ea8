package dev.koreexporter.simulator;

import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.RequestStats;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorRateLimitTest {
    private static final List<String> ENDPOINTS = List.of("getSessions", "getMessages", "getMessagesV2", "messages-lite");

    /** Brute force over the arrival times the test itself recorded: the largest count in any (t - w, t]. */
    private static int maxInWindow(List<Instant> arrivals, Duration w) {
        int max = 0;
        for (Instant t : arrivals) {
            int n = 0;
            for (Instant a : arrivals) {
                if (!a.isAfter(t) && a.isAfter(t.minus(w))) {
                    n++;
                }
            }
            max = Math.max(max, n);
        }
        return max;
    }

    @Test
    void limitsAreSlidingPerBotAcrossEndpointsAndCountEveryRequest() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withClock(clock)
                .withHistory(Duration.ofMinutes(5)).withRateLimits(5, 8))) {
            SimTestClient c = new SimTestClient(sim);
            SimBot bot = sim.options().bot("web-chat");
            SimBot other = sim.options().bot("support-ivr");
            List<Instant> arrivals = new ArrayList<>();
            List<Integer> statuses = new ArrayList<>();
            Runnable send = () -> {
                arrivals.add(clock.instant());
                var r = c.post(bot, ENDPOINTS.get(arrivals.size() % ENDPOINTS.size()), body("userId", "u-1"));
                statuses.add(r.status());
                if (r.status() == 429) {
                    assertEquals(429, r.json().path("errors").path(0).path("code").asInt());
                    long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                    assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
                }
            };
            for (int i = 0; i < 6; i++) {
                send.run();
            }
            assertEquals(List.of(200, 200, 200, 200, 200, 429), statuses);
            assertEquals(200, c.post(other, "getSessions", body()).status(), "limits are per bot");
            clock.advance(Duration.ofSeconds(59));
            send.run();
            assertEquals(429, statuses.getLast(), "the first requests are still inside the sliding minute");
            clock.advance(Duration.ofSeconds(1));
            send.run();
            assertEquals(200, statuses.getLast(), "60 s after, the minute has room again");
            send.run();
            assertEquals(429, statuses.getLast(), "9 requests within the hour > 8 per hour");
            clock.advance(Duration.ofMinutes(30));
            send.run();
            assertEquals(429, statuses.getLast(), "429s count toward the hour too");
            clock.set(T0.plus(Duration.ofMinutes(91)));
            send.run();
            assertEquals(200, statuses.getLast());

            RequestStats.BotStats stats = sim.requestStats().bot(bot.botId());
            assertEquals(arrivals.size(), stats.total());
            assertEquals(maxInWindow(arrivals, Duration.ofSeconds(60)), stats.maxPerMinute());
            assertEquals(maxInWindow(arrivals, Duration.ofHours(1)), stats.maxPerHour());
            assertEquals(statuses.stream().filter(s -> s == 429).count(), stats.throttled());
            assertEquals(statuses.stream().filter(s -> s == 200).count(), stats.byStatus().get(200));
            assertEquals(arrivals.size(), stats.byEndpoint().values().stream().mapToLong(Long::longValue).sum());
            assertEquals(1, sim.requestStats().bot(other.botId()).total());

            var json = c.raw("GET", "/sim/stats", Map.of(), null).json();
            assertEquals(stats.maxPerHour(), json.path("bots").path(bot.botId()).path("maxPerHour").asInt());
            assertEquals(stats.maxPerMinute(), json.path("bots").path(bot.botId()).path("maxPerMinute").asInt());
        }
    }

    @Test
    void retryAfterCanBeWithheld() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withClock(clock)
                .withHistory(Duration.ofMinutes(5)).withRateLimits(1, 100))) {
            SimTestClient c = new SimTestClient(sim);
            SimBot bot = sim.options().bot("web-chat");
            sim.faults().set(Fault.of(FaultType.NO_RETRY_AFTER));
            assertEquals(200, c.post(bot, "getSessions", body()).status());
            var r = c.post(bot, "getSessions", body());
            assertEquals(429, r.status());
            assertFalse(r.headers().firstValue("Retry-After").isPresent());
        }
    }
}
