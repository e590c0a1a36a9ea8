package dev.koreexporter.simulator;

/**
 * How a record served under the bad-records fault is broken. Once a record is broken it is served broken
 * for good (as a real corrupt row would be) and ground truth marks it invalid.
 */
public enum Defect {
    MISSING_ID,
    NULL_FIELDS,
    WRONG_TYPES,
    NEGATIVE_LATENCY,
    HUGE_LATENCY,
    CONFIDENCE_OUT_OF_RANGE;

    boolean latencyOnly() {
        return this == NEGATIVE_LATENCY || this == HUGE_LATENCY || this == CONFIDENCE_OUT_OF_RANGE;
    }
}
