package dev.koreexporter.model;

/**
 * Why a valid record is deliberately left out of the kore_* metrics; {@link #label()} is the {@code reason}
 * label of {@code kore_exporter_records_excluded_total} (README, "Metrics").
 */
public enum ExclusionReason {
    /** Bot Builder test traffic ({@code isDeveloper} on a session, {@code isD} on a message). */
    DEVELOPER("developer");

    private final String label;

    ExclusionReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
