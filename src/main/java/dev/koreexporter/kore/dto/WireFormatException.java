package dev.koreexporter.kore.dto;

/**
 * A body that is not the JSON an endpoint documents. The message names only a position or a field, never
 * body content (which may hold users' words).
 */
public final class WireFormatException extends Exception {
    private final boolean truncated;

    public WireFormatException(String message, boolean truncated) {
        super(message);
        this.truncated = truncated;
    }

    /** The body ended early: worth another attempt, like a dropped connection. */
    public boolean truncated() {
        return truncated;
    }
}
