package dev.koreexporter.metrics.store;

/** A counter or a gauge: one double. */
final class ScalarSeries extends Series {
    private double value;
    private double published;
    private boolean kept;

    ScalarSeries(Family family, SeriesOwner owner, String[] labels) {
        super(family, owner, labels);
    }

    void add(double amount) {
        beforeWrite();
        value += amount;
    }

    void set(double v) {
        beforeWrite();
        value = v;
    }

    /** The current (possibly unpublished) value. */
    double value() {
        return value;
    }

    @Override
    void keepPublished() {
        published = value;
        kept = true;
    }

    @Override
    void publish() {
        kept = false;
    }

    @Override
    boolean read(Reading r) {
        if (!visible || dropped) {
            return false;
        }
        r.value = kept ? published : value;
        return true;
    }
}
