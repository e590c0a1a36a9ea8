package dev.koreexporter.kore;

import java.time.Clock;

/**
 * A monotonic reading in nanoseconds, for measuring how long things take (rate-limit pacing, how long a poller made
 * no progress): unlike the wall clock it never steps, so a clock step neither stalls pacing nor lets requests burst
 * past Kore.ai's limits (docs/reliability.md).
 */
@FunctionalInterface
public interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanos();

    /**
     * The ticker that goes with {@code clock}: {@link #SYSTEM} for the system clock (in any zone), else the clock's
     * own millis (tests' manual clocks, whose waits advance that clock).
     */
    static Ticker of(Clock clock) {
        return clock.getClass() == Clock.systemUTC().getClass() ? SYSTEM : () -> clock.millis() * 1_000_000L;
    }
}
