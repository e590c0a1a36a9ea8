package dev.koreexporter.model;

import java.util.Objects;

/** A record Kore.ai returned that cannot be counted, and why (both become label values, never ids or user data). */
public record Rejection(RecordKind kind, RejectionReason reason) {
    public Rejection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
