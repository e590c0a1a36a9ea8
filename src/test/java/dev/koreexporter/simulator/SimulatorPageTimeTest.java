package dev.koreexporter.simulator;

import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow pages: an answer takes longer the more records it serves, and a page above a size hangs and is never
 * answered, so a client that keeps asking for it fails every time while one that asks for less succeeds. The
 * server sleeps (it is the fake upstream); the test only measures, and its hangs are a second or so.
 */
class SimulatorPageTimeTest {
    private static final Duration PER_THOUSAND = Duration.ofMillis(400);
    private static final int HANG_ABOVE = 1500;
    private static final Duration HANG = Duration.ofMillis(1200);
    private static final Instant FROM = T0.minus(Duration.ofHours(2));
    static LabSimulator sim;
    static SimBot billing;

    @BeforeAll
    static void start() {
        sim = LabSimulator.start(SimulatorOptions.defaults().withClock(new ManualClock(T0))
                .withHistory(Duration.ofHours(3)).withSessionsPerMinutePerBot(10).withEnforceRateLimits(false)
                .withTenant(t -> t.withPageTime(PageTime.growing(PER_THOUSAND).hangingAbove(HANG_ABOVE, HANG))));
        billing = sim.options().bot("billing-voice");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static SimTestClient.Response page(SimTestClient c, int limit) {
        return c.post(billing, "getMessagesV2", body("channelType", "korevg", "dateFrom", FROM.toString(),
                "dateTo", T0.toString(), "limit", limit));
    }

    private static long millis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void anAnswerTakesLongerTheMoreRecordsItServes() {
        SimTestClient c = new SimTestClient(sim);
        assertTrue(page(c, 1).json().path("total").asInt() > 2 * HANG_ABOVE, "enough messages for big pages");
        for (int records : new int[]{100, 1000, HANG_ABOVE}) {
            long ms = millis(() -> assertEquals(records, page(c, records).json().path("messages").size()));
            long least = PER_THOUSAND.toMillis() * records / 1000;
            assertTrue(ms >= least, records + " records answered in " + ms + " ms, under " + least);
        }
    }

    @Test
    void aPageAboveTheSizeHangsUntilTheClientGivesUpOrTheConnectionIsClosed() {
        long before = sim.requestStats().bot(billing.botId()).byEndpointAndStatus()
                .getOrDefault("getMessagesV2", Map.of()).getOrDefault(ApiInterceptor.NO_ANSWER, 0L);
        SimTestClient patient = new SimTestClient(sim);
        long ms = millis(() -> assertThrows(UncheckedIOException.class, () -> page(patient, HANG_ABOVE + 1)));
        assertTrue(ms >= HANG.toMillis(), "hung " + ms + " ms, not " + HANG);

        SimTestClient impatient = new SimTestClient(sim).withTimeout(Duration.ofMillis(300));
        for (int i = 0; i < 3; i++) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> page(impatient, 10_000));
            assertInstanceOf(HttpTimeoutException.class, e.getCause(), "the same big page times out every time");
        }
        assertEquals(200, page(new SimTestClient(sim).withTimeout(Duration.ofSeconds(30)), HANG_ABOVE).status(),
                "a smaller page is answered");
        // The server reports a hung request once its hang is over, after the impatient client gave up.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(4, sim.requestStats().bot(billing.botId())
                .byEndpointAndStatus().get("getMessagesV2").getOrDefault(ApiInterceptor.NO_ANSWER, 0L) - before,
                "hung requests are in the statistics as status 0, answered ones are not"));
    }

    @Test
    void aSmallWindowIsAnsweredWhateverTheLimitAsked() {
        var small = sim.simulator().traffic().messages(billing.botId(), T0.minus(Duration.ofMinutes(5)), T0, T0).size();
        var r = new SimTestClient(sim).post(billing, "getMessagesV2", body("dateFrom", T0.minus(Duration.ofMinutes(5)).toString(),
                "dateTo", T0.toString(), "limit", 10_000));
        assertEquals(200, r.status(), "the hang follows the records served, not the limit asked");
        assertEquals(small, r.json().path("messages").size());
        assertTrue(small > 0 && small < HANG_ABOVE);
    }
}
