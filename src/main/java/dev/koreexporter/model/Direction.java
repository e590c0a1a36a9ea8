package dev.koreexporter.model;

public enum Direction {
    INCOMING("incoming"),
    OUTGOING("outgoing");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
