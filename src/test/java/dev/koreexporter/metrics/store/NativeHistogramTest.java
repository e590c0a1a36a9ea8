package dev.koreexporter.metrics.store;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compact native buckets: the same buckets client_java's histograms make while no merging is needed, and
 * when more than 160 buckets are populated, every value still lies in its bucket at the coarser schema (a
 * merge puts bucket i into ceil(i / 2), for the negative indexes of values below 1 too).
 */
class NativeHistogramTest {

    @Test
    void bucketsAreClientJavasAtSchemaFive() {
        Histogram reference = Histogram.builder().name("ref").help("h").nativeInitialSchema(5)
                .nativeMaxNumberOfBuckets(160).classicUpperBounds(1.0).register(new PrometheusRegistry());
        NativeHistogram ours = new NativeHistogram();
        Random rnd = new Random(3);
        // 10 ms .. 2.5 s: 8 doublings, up to 256 buckets at schema 5, but 120 values populate fewer than 160.
        for (int i = 0; i < 120; i++) {
            double v = 0.01 * Math.pow(2, rnd.nextDouble() * 8);
            reference.observe(v);
            ours.observe(v);
        }
        // Exact powers of two and values on bucket bounds are the edge cases of the index computation.
        for (double v : new double[] {0.5, 1.0, 2.0, 0.25, Math.pow(2, 1.0 / 32), Double.POSITIVE_INFINITY, 0.0}) {
            reference.observe(v);
            ours.observe(v);
        }
        HistogramSnapshot.HistogramDataPointSnapshot expected = reference.collect().getDataPoints().get(0);
        assertEquals(expected.getNativeSchema(), ours.schema);
        assertEquals(expected.getNativeZeroCount(), ours.zeroCount);
        NativeHistogramBuckets b = expected.getNativeBucketsForPositiveValues();
        int[] indexes = new int[b.size()];
        long[] counts = new long[b.size()];
        for (int i = 0; i < b.size(); i++) {
            indexes[i] = b.getBucketIndex(i);
            counts[i] = b.getCount(i);
        }
        assertArrayEquals(indexes, Arrays.copyOf(ours.positive.indexes, ours.positive.size));
        assertArrayEquals(counts, Arrays.copyOf(ours.positive.counts, ours.positive.size));
    }

    @Test
    void aWideRangeShrinksTheSchemaKeepsEveryCountAndEachValueInItsBucket() {
        NativeHistogram h = new NativeHistogram();
        Random rnd = new Random(5);
        double[] values = new double[5000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.pow(10, rnd.nextDouble() * 10 - 5);
            h.observe(values[i]);
        }
        assertTrue(h.schema < NativeHistogram.INITIAL_SCHEMA, "schema " + h.schema);
        assertTrue(h.populated() <= NativeHistogram.MAX_BUCKETS, h.populated() + " buckets");
        assertEquals(values.length, h.count());
        double base = Math.pow(2, Math.pow(2, -h.schema));
        for (double v : values) {
            int index = h.index(v);
            double upper = Math.pow(base, index);
            assertTrue(v <= upper * (1 + 1e-12) && v > upper / base * (1 - 1e-12),
                    v + " in bucket " + index + " of schema " + h.schema);
            assertTrue(Arrays.binarySearch(h.positive.indexes, 0, h.positive.size, index) >= 0, "populated " + index);
        }
        // Recount each value into the final buckets independently: the merged counts must be exactly these.
        NativeHistogram.Buckets recount = new NativeHistogram.Buckets();
        for (double v : values) {
            recount.add(h.index(v), 1);
        }
        assertArrayEquals(Arrays.copyOf(recount.indexes, recount.size), Arrays.copyOf(h.positive.indexes, h.positive.size));
        assertArrayEquals(Arrays.copyOf(recount.counts, recount.size), Arrays.copyOf(h.positive.counts, h.positive.size));
    }

    @Test
    void mergingAlignsSchemasAndAddsCounts() {
        NativeHistogram fine = new NativeHistogram();
        NativeHistogram coarse = new NativeHistogram();
        for (int i = 0; i < 2000; i++) {
            coarse.observe(Math.pow(10, (i % 1000) / 100.0 - 5));
        }
        fine.observe(0.3);
        fine.observe(0.0);
        coarse.merge(fine);
        assertEquals(2002, coarse.count());
        assertEquals(1, coarse.zeroCount);
        assertTrue(Arrays.binarySearch(coarse.positive.indexes, 0, coarse.positive.size, coarse.index(0.3)) >= 0);
    }
}
