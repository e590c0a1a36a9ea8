package dev.koreexporter.model;

/** Why a record cannot be counted; {@link #label()} is the {@code reason} metric label (README, "Metrics"). */
public enum RejectionReason {
    /** The id is absent or blank. */
    MISSING_ID("missing_id"),
    /** A time is absent or unreadable. */
    BAD_TIME("bad_time"),
    /** A field (or the record itself) has the wrong JSON type. */
    BAD_TYPE("bad_type"),
    /** A value is out of range (negative count, implausible latency, unknown direction). */
    BAD_VALUE("bad_value");

    private final String label;

    RejectionReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
