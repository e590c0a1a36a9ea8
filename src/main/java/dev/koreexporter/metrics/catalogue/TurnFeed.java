package dev.koreexporter.metrics.catalogue;

import dev.koreexporter.model.Latency;

import java.util.function.Function;

/**
 * How a voice turn feeds one meter of the catalogue: the value read from the turn's latency (null when the
 * turn has none), whether it is milliseconds to export as seconds, and whether the observation carries the
 * turn's exemplar (README, "Traces": only the latency segments a span covers do).
 */
public record TurnFeed(Function<Latency, ? extends Number> value, boolean millis, boolean exemplar) {

    static TurnFeed millis(Function<Latency, Double> value, boolean exemplar) {
        return new TurnFeed(value, true, exemplar);
    }

    static TurnFeed plain(Function<Latency, ? extends Number> value) {
        return new TurnFeed(value, false, false);
    }

    /** The value to observe, or null when the turn does not have it. */
    public Double read(Latency latency) {
        Number v = value.apply(latency);
        if (v == null) {
            return null;
        }
        return millis ? v.doubleValue() / 1000.0 : v.doubleValue();
    }
}
