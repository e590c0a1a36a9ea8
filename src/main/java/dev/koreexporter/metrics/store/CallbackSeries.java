package dev.koreexporter.metrics.store;

import java.util.function.DoubleSupplier;

/**
 * A value read when scraped (a poller's watermark lag, the rate limiter's budget, the span processor's drops);
 * NaN means it has none now, and the series is left out, as client_java's callbacks leave it out.
 */
final class CallbackSeries extends Series {
    private final DoubleSupplier value;

    CallbackSeries(Family family, SeriesOwner owner, String[] labels, DoubleSupplier value) {
        super(family, owner, labels);
        this.value = value;
    }

    @Override
    void keepPublished() {
        // Nothing is written to a callback.
    }

    @Override
    void publish() {
        // Nothing is written to a callback.
    }

    /** Without the owner's lock: the callback may take its poller's lock, which is held while it records. */
    @Override
    boolean snapshot(Reading r) {
        return read(r);
    }

    @Override
    boolean read(Reading r) {
        if (dropped) {
            return false;
        }
        double v = value.getAsDouble();
        r.value = v;
        return !Double.isNaN(v);
    }
}
