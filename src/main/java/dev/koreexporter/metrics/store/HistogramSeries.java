package dev.koreexporter.metrics.store;

/** A histogram: its {@link HistogramState}, and a copy of the published one while it differs. */
final class HistogramSeries extends Series {
    final HistogramState state;
    private HistogramState published;

    HistogramSeries(Family family, SeriesOwner owner, String[] labels) {
        super(family, owner, labels);
        state = new HistogramState(family.bounds.length, family.nativeBuckets);
    }

    void observe(double value, long traceHi, long traceLo, long spanId, long millis) {
        beforeWrite();
        state.observe(family.bounds, value, traceHi, traceLo, spanId, millis);
    }

    /** An exemplar for {@code value}, observed before without one. */
    void exemplar(double value, long traceHi, long traceLo, long spanId, long millis) {
        beforeWrite();
        state.exemplar(family.bounds, value, traceHi, traceLo, spanId, millis);
    }

    @Override
    void keepPublished() {
        published = new HistogramState(family.bounds.length, family.nativeBuckets);
        published.copyFrom(state);
    }

    @Override
    void publish() {
        published = null;
    }

    @Override
    boolean read(Reading r) {
        if (!visible || dropped) {
            return false;
        }
        r.copy(published != null ? published : state);
        if (published == null && state.exemplars != null && state.exemplarsBefore(r.exemplarsSince())) {
            // Expired exemplars are never shown again: most series of a hundred bots hold none most of the time.
            state.exemplars = null;
        }
        return true;
    }

    /** The published classic bucket counts added to {@code into} (the status page's sums per bot). */
    void addPublishedBuckets(long[] into) {
        if (visible && !dropped) {
            long[] from = (published != null ? published : state).buckets;
            for (int i = 0; i < into.length; i++) {
                into[i] += from[i];
            }
        }
    }
}
