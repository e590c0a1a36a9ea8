package dev.koreexporter.simulator.lab;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock until frozen ({@code POST /sim/freeze}): then the simulator's now stands still, so no
 * record is created or lands any more and an outside test can compare ground truth with what an exporter
 * read of a set that no longer changes.
 */
public final class FreezableClock implements InstantSource {
    private final InstantSource base;
    private final AtomicReference<Instant> frozenAt = new AtomicReference<>();

    public FreezableClock(InstantSource base) {
        this.base = base;
    }

    /** Freezes at the current instant; returns the instant the clock stands at. */
    public Instant freeze() {
        frozenAt.compareAndSet(null, base.instant());
        return frozenAt.get();
    }

    /**
     * Lets the clock run again, from the system's now: the records of the frozen stretch are created at once, at their
     * own times (a test's next phase reads them like late data).
     */
    public void thaw() {
        frozenAt.set(null);
    }

    @Override
    public Instant instant() {
        Instant f = frozenAt.get();
        return f != null ? f : base.instant();
    }
}
