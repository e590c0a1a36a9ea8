package dev.koreexporter.doctor;

import java.util.Locale;

/** The outcome of one check, worst last, so the worst of several is the greatest. */
public enum Status {
    OK, WARN, FAIL;

    /** {@code ok}, {@code warn} or {@code fail}, as in the JSON report. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Status worst(Status a, Status b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
