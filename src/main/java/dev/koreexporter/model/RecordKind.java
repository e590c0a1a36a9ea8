package dev.koreexporter.model;

/** The kinds of record the exporter reads; {@link #label()} is the {@code kind} metric label. */
public enum RecordKind {
    MESSAGE("message"),
    SESSION("session"),
    CONVERSATION("conversation"),
    /** One message's latency values dropped as invalid while the message itself is counted. */
    SEGMENT("segment");

    private final String label;

    RecordKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
