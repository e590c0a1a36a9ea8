package dev.koreexporter.metrics.store;

/**
 * Writes a family as one length-delimited {@code io.prometheus.client.MetricFamily}: the encoding
 * client_java's {@code PrometheusProtobufWriter} produces for the same numbers (fields in field-number order,
 * native buckets as spans and deltas, gaps of one or two buckets written as empty buckets, the latest exemplar
 * on each classic bucket). Label pairs come pre-encoded from the series.
 */
final class ProtobufWriter {
    private static final byte[] SPAN_ID = ByteSink.ascii("span_id");
    private static final byte[] TRACE_ID = ByteSink.ascii("trace_id");

    private final ByteSink out;
    private final Reading r;
    private final ByteSink metrics = ByteSink.blocks(64 * 1024);
    private final ByteSink metric = new ByteSink(4096);
    private final ByteSink histogram = new ByteSink(4096);
    private final ByteSink bucket = new ByteSink(256);
    private final ByteSink exemplar = new ByteSink(128);
    private final ByteSink span = new ByteSink(16);
    private int[] offsets = new int[NativeHistogram.MAX_BUCKETS + 1];
    private int[] lengths = new int[NativeHistogram.MAX_BUCKETS + 1];

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
            metric.reset();
            metric.write(s.protobuf);
            switch (f.meter.type()) {
                case COUNTER -> scalar(3);
                case GAUGE -> scalar(2);
                case HISTOGRAM -> {
                    histogram(f);
                    Protobuf.message(metric, 7, histogram);
                }
            }
            Protobuf.message(metrics, 4, metric);
        }
        if (metrics.size() > 0) {
            out.varint(f.protobufHeader.length + metrics.size());
            out.write(f.protobufHeader);
            out.write(metrics);
        }
    }

    /** A {@code Counter} (field 3) or {@code Gauge} (field 2) holding only its value. */
    private void scalar(int field) {
        metric.varint(Protobuf.tag(field, Protobuf.LENGTH_DELIMITED));
        metric.varint(9);
        Protobuf.doubleField(metric, 1, r.value);
    }

    private void histogram(Family f) {
        histogram.reset();
        Protobuf.varintField(histogram, 1, r.count);
        Protobuf.doubleField(histogram, 2, r.sum);
        long cumulative = 0;
        for (int i = 0; i < r.buckets.length; i++) {
            cumulative += r.buckets[i];
            bucket.reset();
            Protobuf.varintField(bucket, 1, cumulative);
            Protobuf.doubleField(bucket, 2, f.bounds[i]);
            if (r.hasExemplar(i)) {
                exemplar(i);
                Protobuf.message(bucket, 3, exemplar);
            }
            Protobuf.message(histogram, 3, bucket);
        }
        if (r.hasNative) {
            NativeHistogram n = r.nativeBuckets;
            Protobuf.signedField(histogram, 5, n.schema);
            Protobuf.doubleField(histogram, 6, NativeHistogram.ZERO_THRESHOLD);
            Protobuf.varintField(histogram, 7, n.zeroCount);
            if (n.negative != null) {
                spans(n.negative, 9, 10);
            }
            spans(n.positive, 12, 13);
        }
    }

    private void exemplar(int i) {
        int at = i * HistogramState.EXEMPLAR_LONGS;
        exemplar.reset();
        hexPair(exemplar, SPAN_ID, r.exemplars[at + 2], 0, false);
        hexPair(exemplar, TRACE_ID, r.exemplars[at], r.exemplars[at + 1], true);
        Protobuf.doubleField(exemplar, 2, Double.longBitsToDouble(r.exemplars[at + 3]));
        long millis = r.exemplars[at + 4];
        if (millis == 0) {
            return;
        }
        span.reset();
        if (millis / 1000 != 0) {
            Protobuf.varintField(span, 1, millis / 1000);
        }
        if (millis % 1000 != 0) {
            Protobuf.varintField(span, 2, millis % 1000 * 1_000_000);
        }
        Protobuf.message(exemplar, 3, span);
    }

    /**
     * Spans (offset from the previous span's end, length) and count deltas, as client_java writes them: a gap
     * of up to two empty buckets continues the span with zero counts rather than starting a new one.
     */
    private void spans(NativeHistogram.Buckets b, int spanField, int deltaField) {
        if (b.size == 0) {
            return;
        }
        // Deltas are written after all spans (field order), so the spans are collected first.
        if (offsets.length < b.size) {
            offsets = new int[b.size];
            lengths = new int[b.size];
        }
        int spans = 0;
        lengths[0] = 0;
        offsets[0] = b.indexes[0];
        int previousIndex = b.indexes[0];
        for (int i = 0; i < b.size; i++) {
            int index = b.indexes[i];
            if (index > previousIndex + 1) {
                if (index <= previousIndex + 3) {
                    lengths[spans] += index - previousIndex - 1;
                } else {
                    spans++;
                    offsets[spans] = index - (previousIndex + 1);
                    lengths[spans] = 0;
                }
            }
            lengths[spans]++;
            previousIndex = index;
        }
        for (int s = 0; s <= spans; s++) {
            span.reset();
            Protobuf.signedField(span, 1, offsets[s]);
            Protobuf.varintField(span, 2, lengths[s]);
            Protobuf.message(histogram, spanField, span);
        }
        long previousCount = 0;
        previousIndex = b.indexes[0];
        for (int i = 0; i < b.size; i++) {
            int index = b.indexes[i];
            if (index > previousIndex + 1 && index <= previousIndex + 3) {
                for (int gap = previousIndex + 1; gap < index; gap++) {
                    Protobuf.signedField(histogram, deltaField, -previousCount);
                    previousCount = 0;
                }
            }
            Protobuf.signedField(histogram, deltaField, b.counts[i] - previousCount);
            previousCount = b.counts[i];
            previousIndex = index;
        }
    }

    /** An exemplar's {@code LabelPair} (field 1) whose value is a 16- or 32-digit hex id, formatted in place. */
    private static void hexPair(ByteSink out, byte[] name, long first, long second, boolean both) {
        int digits = both ? 32 : 16;
        out.varint(Protobuf.tag(1, Protobuf.LENGTH_DELIMITED));
        out.varint(2 + name.length + 2 + digits);
        out.varint(Protobuf.tag(1, Protobuf.LENGTH_DELIMITED));
        out.varint(name.length);
        out.write(name);
        out.varint(Protobuf.tag(2, Protobuf.LENGTH_DELIMITED));
        out.varint(digits);
        out.writeHex(first);
        if (both) {
            out.writeHex(second);
        }
    }
}
