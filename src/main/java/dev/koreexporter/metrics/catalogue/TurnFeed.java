package dev.koreexporter.metrics.catalogue;

import dev.koreexporter.model.Latency;

import java.util.function.Function;

/**
 * How a voice turn feeds one meter of the catalogue: the value read from the turn's latency (null when the
 * turn has none), whether it is milliseconds to export as seconds, and for a latency histogram how SLO alerts
 * speak of it ({@code slo}, null for other meters).
 */
public record TurnFeed(Function<Latency, ? extends Number> value, boolean millis, SloWording slo) {

    /** A latency in milliseconds, exported as seconds, with an exemplar and SLOs. */
    static TurnFeed latency(Function<Latency, Double> value, SloWording slo) {
        return new TurnFeed(value, true, slo);
    }

    static TurnFeed millis(Function<Latency, Double> value) {
        return new TurnFeed(value, true, null);
    }

    static TurnFeed plain(Function<Latency, ? extends Number> value) {
        return new TurnFeed(value, false, null);
    }

    /**
     * Whether the observation carries the turn's exemplar (README, "Traces": only the latency segments a span
     * covers do): the latency histograms, those SLOs may be written for.
     */
    public boolean exemplar() {
        return slo != null;
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
