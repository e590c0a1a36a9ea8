package dev.koreexporter.bench;

import java.util.Locale;

/**
 * One figure of the benchmark: what was measured, its target and how the two compare. {@code target} is
 * NaN for figures reported without one (context for the others).
 */
public record Row(String id, String label, double value, String unit, Bound bound, double target) {

    /** Which side of the target is good. */
    public enum Bound { AT_MOST, AT_LEAST, NONE }

    static Row atMost(String id, String label, double value, String unit, double target) {
        return new Row(id, label, value, unit, Bound.AT_MOST, target);
    }

    static Row atLeast(String id, String label, double value, String unit, double target) {
        return new Row(id, label, value, unit, Bound.AT_LEAST, target);
    }

    static Row info(String id, String label, double value, String unit) {
        return new Row(id, label, value, unit, Bound.NONE, Double.NaN);
    }

    public boolean met() {
        return switch (bound) {
            case AT_MOST -> value <= target;
            case AT_LEAST -> value >= target;
            case NONE -> true;
        };
    }

    /** value / target: below 1 is good for an upper bound, above 1 for a lower bound. */
    public double ratio() {
        return bound == Bound.NONE ? Double.NaN : value / target;
    }

    String targetText() {
        return switch (bound) {
            case AT_MOST -> "<= " + number(target);
            case AT_LEAST -> ">= " + number(target);
            case NONE -> "-";
        };
    }

    String verdict() {
        return bound == Bound.NONE ? "" : met() ? "ok" : "MISSED";
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v != 0 && Math.abs(v) < 0.01) {
            return String.format(Locale.ROOT, "%.5f", v);
        }
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }
}
