package dev.koreexporter.model;

import java.util.Objects;

/**
 * A record Kore.ai returned that cannot be counted. {@code kind} is {@code message}, {@code session} or
 * {@code conversation}; {@code reason} is a short fixed token such as {@code missing_id} (it becomes a
 * label value, so never an id or user data).
 */
public record Rejection(String kind, String reason) {
    public Rejection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
