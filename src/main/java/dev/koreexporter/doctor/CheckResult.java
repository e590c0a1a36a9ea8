package dev.koreexporter.doctor;

import java.util.Objects;

/** One line of the report: the check's name ({@code auth}, {@code messages:korevg}, ...), outcome and detail. */
public record CheckResult(String check, Status status, String detail) {
    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        // One line each, whatever a server's error message held.
        detail = detail == null ? "" : detail.replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    static CheckResult ok(String check, String detail) {
        return new CheckResult(check, Status.OK, detail);
    }

    static CheckResult warn(String check, String detail) {
        return new CheckResult(check, Status.WARN, detail);
    }

    static CheckResult fail(String check, String detail) {
        return new CheckResult(check, Status.FAIL, detail);
    }
}
