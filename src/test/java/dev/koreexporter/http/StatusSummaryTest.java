package dev.koreexporter.http;

import dev.koreexporter.metrics.BucketCounts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Quantiles as PromQL's histogram_quantile computes them, worked out by hand for each case below. */
class StatusSummaryTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double[] BOUNDS = {0.5, 1, 2, INF};
    /** 10 turns up to 0.5 s, 30 in (0.5, 1], 40 in (1, 2], 20 above 2 s: 100 in all. */
    private static final BucketCounts HUNDRED = new BucketCounts(BOUNDS, new long[] {10, 30, 40, 20});

    @Test
    void quantileInterpolatesInsideTheBucketHoldingTheRank() {
        // rank 50: 40 below 1 s, so 10 of the 40 in (1, 2]: 1 + 1 * 10/40
        assertEquals(1.25, StatusSummary.quantile(0.5, HUNDRED).getAsDouble(), 1e-12);
        // rank 25: 10 below 0.5 s, 15 of the 30 in (0.5, 1]: 0.5 + 0.5 * 15/30
        assertEquals(0.75, StatusSummary.quantile(0.25, HUNDRED).getAsDouble(), 1e-12);
        // rank 10: the first bucket starts at 0: 0 + 0.5 * 10/10
        assertEquals(0.5, StatusSummary.quantile(0.1, HUNDRED).getAsDouble(), 1e-12);
        // rank 5: half of the first bucket
        assertEquals(0.25, StatusSummary.quantile(0.05, HUNDRED).getAsDouble(), 1e-12);
    }

    @Test
    void quantileInTheInfBucketIsTheHighestFiniteBound() {
        // rank 90: only 80 up to 2 s, the rest is above any bound
        assertEquals(2.0, StatusSummary.quantile(0.9, HUNDRED).getAsDouble(), 1e-12);
        assertEquals(2.0, StatusSummary.quantile(1.0, HUNDRED).getAsDouble(), 1e-12);
    }

    @Test
    void quantileSkipsEmptyBucketsBeforeTheRank() {
        BucketCounts gap = new BucketCounts(BOUNDS, new long[] {0, 0, 4, 0});
        // all 4 in (1, 2]; rank 2 is half way: 1 + 1 * 2/4
        assertEquals(1.5, StatusSummary.quantile(0.5, gap).getAsDouble(), 1e-12);
    }

    @Test
    void nothingObservedHasNoQuantile() {
        assertEquals(OptionalDouble.empty(), StatusSummary.quantile(0.5, new BucketCounts(BOUNDS, new long[4])));
        assertEquals(OptionalDouble.empty(), StatusSummary.quantile(0.5, BucketCounts.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> StatusSummary.quantile(1.5, HUNDRED));
    }

    @Test
    void deltaIsWhatWasObservedSinceTheEarlierSample() {
        BucketCounts earlier = new BucketCounts(BOUNDS, new long[] {5, 10, 5, 0});
        BucketCounts now = new BucketCounts(BOUNDS, new long[] {15, 40, 45, 20});
        assertEquals(HUNDRED, now.since(earlier));
        assertEquals(1.25, StatusSummary.quantile(0.5, now.since(earlier)).getAsDouble(), 1e-12);
    }

    @Test
    void aCountThatWentDownMeansARestart() {
        BucketCounts earlier = new BucketCounts(BOUNDS, new long[] {5, 10, 5, 0});
        BucketCounts afterRestart = new BucketCounts(BOUNDS, new long[] {1, 0, 7, 0});
        assertEquals(afterRestart, afterRestart.since(earlier));
    }

    @Test
    void seriesOfOneHistogramAddUp() {
        BucketCounts a = new BucketCounts(BOUNDS, new long[] {1, 2, 3, 4});
        BucketCounts b = new BucketCounts(BOUNDS, new long[] {10, 20, 30, 40});
        assertEquals(new BucketCounts(BOUNDS, new long[] {11, 22, 33, 44}), BucketCounts.EMPTY.plus(a).plus(b));
        assertEquals(110, a.plus(b).total());
    }

    @Test
    void perMinuteDividesByTheElapsedTime() {
        assertEquals(100 / 15.0, StatusSummary.perMinute(100, Duration.ofMinutes(15)).getAsDouble(), 1e-12);
        assertEquals(20.0, StatusSummary.perMinute(30, Duration.ofSeconds(90)).getAsDouble(), 1e-12);
        assertEquals(0.0, StatusSummary.perMinute(0, Duration.ofMinutes(3)).getAsDouble(), 1e-12);
        assertEquals(OptionalDouble.empty(), StatusSummary.perMinute(5, Duration.ZERO));
    }
}
