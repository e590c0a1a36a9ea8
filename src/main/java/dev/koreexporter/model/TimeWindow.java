package dev.koreexporter.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A closed time interval [from, to]; Kore.ai date bounds are inclusive. */
public record TimeWindow(Instant from, Instant to) {
    public TimeWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("window ends before it starts: " + from + " > " + to);
        }
    }

    public Duration length() {
        return Duration.between(from, to);
    }

    public boolean contains(Instant t) {
        return !t.isBefore(from) && !t.isAfter(to);
    }
}
