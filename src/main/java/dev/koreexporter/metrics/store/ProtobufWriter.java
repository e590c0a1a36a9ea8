package dev.koreexporter.metrics.store;

import static dev.koreexporter.metrics.store.Protobuf.LENGTH_DELIMITED;
import static dev.koreexporter.metrics.store.Protobuf.tag;
import static dev.koreexporter.metrics.store.Protobuf.varintSize;

/**
 * Writes a family as one length-delimited {@code io.prometheus.client.MetricFamily}: the encoding
 * client_java's {@code PrometheusProtobufWriter} produces for the same numbers (fields in field-number order,
 * native buckets as spans and deltas, gaps of one or two buckets written as empty buckets, the latest exemplar
 * on each classic bucket). Label pairs come pre-encoded from the series. Each message's length is worked out
 * before it is written, so a series' bytes are written once, not copied out of nested buffers.
 */
final class ProtobufWriter {
    private static final byte[] SPAN_ID = ByteSink.ascii("span_id");
    private static final byte[] TRACE_ID = ByteSink.ascii("trace_id");
    /** An exemplar's two label pairs: tag, length, then name and 16 or 32 hex digits, each with tag and length. */
    private static final int SPAN_PAIR = 2 + 2 + SPAN_ID.length + 2 + 16;
    private static final int TRACE_PAIR = 2 + 2 + TRACE_ID.length + 2 + 32;

    private final ByteSink out;
    private final Reading r;
    /** One family's metrics: its length precedes them. */
    private final ByteSink metrics = ByteSink.blocks(64 * 1024);
    private final Spans positive = new Spans();
    private final Spans negative = new Spans();
    private long[] cumulative = new long[16];
    private int[] bucketSizes = new int[16];
    private int[] exemplarSizes = new int[16];

    /** @param exemplarsSince epoch millis: older exemplars are no longer shown */
    ProtobufWriter(ByteSink out, long exemplarsSince) {
        this.out = out;
        this.r = new Reading(true, true, exemplarsSince);
    }

    void family(Family f, Series[] series, ScrapeFilter filter) {
        metrics.reset();
        for (Series s : series) {
            if (!filter.includes(s.owner.bot()) || !s.snapshot(r)) {
                continue;
            }
            metrics.varint(tag(4, LENGTH_DELIMITED));
            switch (f.meter.type()) {
                case COUNTER -> scalar(s, 3);
                case GAUGE -> scalar(s, 2);
                case HISTOGRAM -> {
                    int size = histogramSize(f);
                    metrics.varint(s.protobuf.length + 1 + varintSize(size) + size);
                    metrics.write(s.protobuf);
                    metrics.varint(tag(7, LENGTH_DELIMITED));
                    metrics.varint(size);
                    histogram(f);
                }
            }
        }
        if (metrics.size() > 0) {
            out.varint(f.protobufHeader.length + metrics.size());
            out.write(f.protobufHeader);
            out.write(metrics);
        }
    }

    /** A metric holding a {@code Counter} (field 3) or {@code Gauge} (field 2) with only its value. */
    private void scalar(Series s, int field) {
        metrics.varint(s.protobuf.length + 11);
        metrics.write(s.protobuf);
        metrics.varint(tag(field, LENGTH_DELIMITED));
        metrics.varint(9);
        Protobuf.doubleField(metrics, 1, r.value);
    }

    /** The {@code Histogram} message's length; keeps what {@link #histogram} writes. */
    private int histogramSize(Family f) {
        int n = r.buckets.length;
        if (cumulative.length < n) {
            cumulative = new long[n];
            bucketSizes = new int[n];
            exemplarSizes = new int[n];
        }
        int size = 1 + varintSize(r.count) + 9;
        long c = 0;
        for (int i = 0; i < n; i++) {
            c += r.buckets[i];
            cumulative[i] = c;
            int bucket = 1 + varintSize(c) + 9;
            exemplarSizes[i] = r.hasExemplar(i) ? exemplarSize(i) : 0;
            if (exemplarSizes[i] > 0) {
                bucket += 1 + varintSize(exemplarSizes[i]) + exemplarSizes[i];
            }
            bucketSizes[i] = bucket;
            size += 1 + varintSize(bucket) + bucket;
        }
        if (r.hasNative) {
            NativeHistogram h = r.nativeBuckets;
            size += 1 + varintSize(zigzag(h.schema)) + 9 + 1 + varintSize(h.zeroCount);
            size += negative.plan(h.negative) + positive.plan(h.positive);
        }
        return size;
    }

    private void histogram(Family f) {
        Protobuf.varintField(metrics, 1, r.count);
        Protobuf.doubleField(metrics, 2, r.sum);
        for (int i = 0; i < r.buckets.length; i++) {
            metrics.varint(tag(3, LENGTH_DELIMITED));
            metrics.varint(bucketSizes[i]);
            Protobuf.varintField(metrics, 1, cumulative[i]);
            Protobuf.doubleField(metrics, 2, f.bounds[i]);
            if (exemplarSizes[i] > 0) {
                metrics.varint(tag(3, LENGTH_DELIMITED));
                metrics.varint(exemplarSizes[i]);
                exemplar(i);
            }
        }
        if (r.hasNative) {
            NativeHistogram h = r.nativeBuckets;
            Protobuf.signedField(metrics, 5, h.schema);
            Protobuf.doubleField(metrics, 6, NativeHistogram.ZERO_THRESHOLD);
            Protobuf.varintField(metrics, 7, h.zeroCount);
            negative.write(metrics, 9, 10);
            positive.write(metrics, 12, 13);
        }
    }

    private int exemplarSize(int i) {
        long millis = r.exemplars[i * HistogramState.EXEMPLAR_LONGS + 4];
        int size = SPAN_PAIR + TRACE_PAIR + 9;
        if (millis != 0) {
            int timestamp = timestampSize(millis);
            size += 1 + varintSize(timestamp) + timestamp;
        }
        return size;
    }

    /** A {@code google.protobuf.Timestamp} (proto3: zero fields are left out). */
    private static int timestampSize(long millis) {
        return (millis / 1000 != 0 ? 1 + varintSize(millis / 1000) : 0)
                + (millis % 1000 != 0 ? 1 + varintSize(millis % 1000 * 1_000_000) : 0);
    }

    private void exemplar(int i) {
        int at = i * HistogramState.EXEMPLAR_LONGS;
        hexPair(SPAN_ID, SPAN_PAIR, r.exemplars[at + 2], 0, false);
        hexPair(TRACE_ID, TRACE_PAIR, r.exemplars[at], r.exemplars[at + 1], true);
        Protobuf.doubleField(metrics, 2, Double.longBitsToDouble(r.exemplars[at + 3]));
        long millis = r.exemplars[at + 4];
        if (millis != 0) {
            metrics.varint(tag(3, LENGTH_DELIMITED));
            metrics.varint(timestampSize(millis));
            if (millis / 1000 != 0) {
                Protobuf.varintField(metrics, 1, millis / 1000);
            }
            if (millis % 1000 != 0) {
                Protobuf.varintField(metrics, 2, millis % 1000 * 1_000_000);
            }
        }
    }

    /** An exemplar's {@code LabelPair} (field 1) whose value is a 16- or 32-digit hex id, formatted in place. */
    private void hexPair(byte[] name, int size, long first, long second, boolean both) {
        metrics.varint(tag(1, LENGTH_DELIMITED));
        metrics.varint(size - 2);
        metrics.varint(tag(1, LENGTH_DELIMITED));
        metrics.varint(name.length);
        metrics.write(name);
        metrics.varint(tag(2, LENGTH_DELIMITED));
        metrics.varint(both ? 32 : 16);
        metrics.writeHex(first);
        if (both) {
            metrics.writeHex(second);
        }
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    /**
     * One side's native buckets as client_java writes them: spans (offset from the previous span's end,
     * length) and count deltas, where a gap of up to two empty buckets continues the span with zero counts
     * rather than starting a new one.
     */
    private static final class Spans {
        private int[] offsets = new int[NativeHistogram.MAX_BUCKETS + 1];
        private int[] lengths = new int[NativeHistogram.MAX_BUCKETS + 1];
        private long[] deltas = new long[3 * NativeHistogram.MAX_BUCKETS + 3];
        private int spans;
        private int count;

        /** Works the spans and deltas out; returns the bytes their fields take. */
        int plan(NativeHistogram.Buckets b) {
            spans = 0;
            count = 0;
            if (b == null || b.size == 0) {
                return 0;
            }
            if (offsets.length < b.size || deltas.length < 3 * b.size) {
                offsets = new int[b.size];
                lengths = new int[b.size];
                deltas = new long[3 * b.size];
            }
            offsets[0] = b.indexes[0];
            lengths[0] = 0;
            int previousIndex = b.indexes[0];
            long previousCount = 0;
            for (int i = 0; i < b.size; i++) {
                int index = b.indexes[i];
                if (index > previousIndex + 1) {
                    if (index <= previousIndex + 3) {
                        for (int gap = previousIndex + 1; gap < index; gap++) {
                            lengths[spans]++;
                            deltas[count++] = -previousCount;
                            previousCount = 0;
                        }
                    } else {
                        spans++;
                        offsets[spans] = index - (previousIndex + 1);
                        lengths[spans] = 0;
                    }
                }
                lengths[spans]++;
                deltas[count++] = b.counts[i] - previousCount;
                previousCount = b.counts[i];
                previousIndex = index;
            }
            spans++;
            int size = 0;
            for (int s = 0; s < spans; s++) {
                int span = spanSize(s);
                size += 1 + varintSize(span) + span;
            }
            for (int d = 0; d < count; d++) {
                size += 1 + varintSize(zigzag(deltas[d]));
            }
            return size;
        }

        void write(ByteSink out, int spanField, int deltaField) {
            for (int s = 0; s < spans; s++) {
                out.varint(tag(spanField, LENGTH_DELIMITED));
                out.varint(spanSize(s));
                Protobuf.signedField(out, 1, offsets[s]);
                Protobuf.varintField(out, 2, lengths[s]);
            }
            for (int d = 0; d < count; d++) {
                Protobuf.signedField(out, deltaField, deltas[d]);
            }
        }

        private int spanSize(int s) {
            return 1 + varintSize(zigzag(offsets[s])) + 1 + varintSize(lengths[s]);
        }
    }
}
