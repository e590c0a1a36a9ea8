package dev.koreexporter.simulator.lab;

import dev.koreexporter.simulator.SegmentDefect;

/**
 * How a record served under the bad-records fault is broken. Once a record is broken it is served broken
 * for good (as a real corrupt row would be) and ground truth marks it invalid. Each defect makes the whole
 * record unusable; an invalid latency value costs a correct reader only that value, so those are the
 * generator's {@link SegmentDefect}s (README, "How it reads Kore.ai").
 */
public enum Defect {
    MISSING_ID,
    NULL_FIELDS,
    WRONG_TYPES
}
