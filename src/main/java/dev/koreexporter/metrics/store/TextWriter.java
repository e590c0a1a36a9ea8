package dev.koreexporter.metrics.store;

/**
 * Writes a family in the Prometheus text format 0.0.4, or in OpenMetrics 1.0 with the latest exemplar of each
 * classic bucket (while it is younger than {@link HistogramState#EXEMPLAR_RETENTION}): byte for byte what client_java's {@code PrometheusTextFormatWriter} and
 * {@code OpenMetricsTextFormatWriter} write for the same numbers (no {@code _created} lines, and no exemplar on
 * {@code _count}, which Prometheus before 2.43 rejects). Labels come pre-rendered from the series; only numbers
 * are formatted here.
 */
final class TextWriter {
    private static final byte[] EXEMPLAR_SPAN = ByteSink.ascii(" # {span_id=\"");
    private static final byte[] EXEMPLAR_TRACE = ByteSink.ascii("\",trace_id=\"");
    private static final byte[] EXEMPLAR_END = ByteSink.ascii("\"} ");

    private final boolean openMetrics;
    private final ByteSink out;
    private final Reading r;

    /** @param exemplarsSince epoch millis: older exemplars are no longer shown */
    TextWriter(boolean openMetrics, ByteSink out, long exemplarsSince) {
        this.openMetrics = openMetrics;
        this.out = out;
        this.r = new Reading(openMetrics, false, exemplarsSince);
    }

    void family(Family f, Series[] series, ScrapeFilter filter) {
        boolean header = false;
        for (Series s : series) {
            if (!filter.includes(s.owner.bot()) || !s.snapshot(r)) {
                continue;
            }
            if (!header) {
                out.write(openMetrics ? f.openMetricsHeader : f.textHeader);
                header = true;
            }
            if (f.histogram()) {
                histogram(f, s);
            } else {
                sample(f.sampleName, s);
                out.writeDouble(r.value);
                out.write('\n');
            }
        }
    }

    private void histogram(Family f, Series s) {
        long cumulative = 0;
        for (int i = 0; i < r.buckets.length; i++) {
            cumulative += r.buckets[i];
            out.write(f.bucketName);
            out.write('{');
            if (s.text.length > 0) {
                out.write(s.text);
                out.write(',');
            }
            out.write(f.le[i]);
            out.writeLong(cumulative);
            if (openMetrics && r.hasExemplar(i)) {
                exemplar(i);
            }
            out.write('\n');
        }
        sample(f.countName, s);
        out.writeLong(r.count);
        out.write('\n');
        sample(f.sumName, s);
        out.writeDouble(r.sum);
        out.write('\n');
    }

    private void sample(byte[] name, Series s) {
        out.write(name);
        if (s.text.length > 0) {
            out.write('{');
            out.write(s.text);
            out.write('}');
        }
        out.write(' ');
    }

    private void exemplar(int bucket) {
        int at = bucket * HistogramState.EXEMPLAR_LONGS;
        out.write(EXEMPLAR_SPAN);
        out.writeHex(r.exemplars[at + 2]);
        out.write(EXEMPLAR_TRACE);
        out.writeHex(r.exemplars[at]);
        out.writeHex(r.exemplars[at + 1]);
        out.write(EXEMPLAR_END);
        out.writeDouble(Double.longBitsToDouble(r.exemplars[at + 3]));
        if (r.exemplars[at + 4] != 0) {
            out.write(' ');
            out.writeSeconds(r.exemplars[at + 4]);
        }
    }
}
