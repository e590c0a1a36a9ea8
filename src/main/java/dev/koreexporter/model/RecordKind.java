package dev.koreexporter.model;

/** The kinds of record the exporter reads; {@link #label()} is the {@code kind} metric label. */
public enum RecordKind {
    MESSAGE("message"),
    SESSION("session"),
    CONVERSATION("conversation");

    private final String label;

    RecordKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
