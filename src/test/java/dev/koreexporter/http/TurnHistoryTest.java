package dev.koreexporter.http;

import dev.koreexporter.metrics.BucketCounts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TurnHistoryTest {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final double[] BOUNDS = {1, Double.POSITIVE_INFINITY};

    /** Cumulative counts after {@code minutes}: 6 turns a minute under 1 s, 1 above. */
    private static TurnHistory.Sample at(Duration offset, long minutesOfTraffic) {
        return new TurnHistory.Sample(T0.plus(offset),
                new BucketCounts(BOUNDS, new long[] {6 * minutesOfTraffic, minutesOfTraffic}), BucketCounts.EMPTY);
    }

    @Test
    void windowReachesBackFifteenMinutes() {
        TurnHistory h = new TurnHistory();
        for (int m = 0; m <= 20; m++) {
            h.offer("a", at(Duration.ofMinutes(m), m));
        }
        TurnHistory.Window w = h.window("a", at(Duration.ofMinutes(20), 20)).orElseThrow();
        assertEquals(T0.plus(Duration.ofMinutes(5)), w.from());
        assertEquals(Duration.ofMinutes(15), w.length());
        assertEquals(new BucketCounts(BOUNDS, new long[] {90, 15}), w.turns());
        assertEquals(7.0, StatusSummary.perMinute(w.turns().total(), w.length()).getAsDouble(), 1e-12);
    }

    @Test
    void shorterWindowJustAfterStart() {
        TurnHistory h = new TurnHistory();
        h.offer("a", at(Duration.ZERO, 0));
        h.offer("a", at(Duration.ofMinutes(1), 1));
        TurnHistory.Window w = h.window("a", at(Duration.ofMinutes(3), 3)).orElseThrow();
        assertEquals(T0, w.from());
        assertEquals(Duration.ofMinutes(3), w.length());
        assertEquals(21, w.turns().total());
    }

    @Test
    void atMostOneSampleAMinute() {
        TurnHistory h = new TurnHistory();
        h.offer("a", at(Duration.ZERO, 0));
        // 59 s later: dropped, so the baseline stays at T0
        h.offer("a", at(Duration.ofSeconds(59), 100));
        TurnHistory.Window w = h.window("a", at(Duration.ofMinutes(2), 2)).orElseThrow();
        assertEquals(T0, w.from());
        assertEquals(14, w.turns().total());
    }

    @Test
    void noWindowWithoutAnEarlierSample() {
        TurnHistory h = new TurnHistory();
        assertEquals(Optional.empty(), h.window("a", at(Duration.ZERO, 0)));
        h.offer("a", at(Duration.ZERO, 0));
        assertEquals(Optional.empty(), h.window("a", at(Duration.ZERO, 0)));
        assertEquals(Optional.empty(), h.window("b", at(Duration.ofMinutes(5), 5)));
    }

    @Test
    void aBaselineSurvivesPruning() {
        TurnHistory h = new TurnHistory();
        // Samples every 7 minutes: at 35 min the newest one at least 15 min old is the one at 14 min.
        for (int m = 0; m <= 35; m += 7) {
            h.offer("a", at(Duration.ofMinutes(m), m));
        }
        TurnHistory.Window w = h.window("a", at(Duration.ofMinutes(35), 35)).orElseThrow();
        assertEquals(T0.plus(Duration.ofMinutes(14)), w.from());
        assertEquals(21 * 7, w.turns().total());
    }
}
