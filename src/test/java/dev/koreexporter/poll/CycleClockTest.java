package dev.koreexporter.poll;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A cycle plans to the local clock, never later than Kore.ai's time, and notices steps back. */
class CycleClockTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private final AtomicReference<Optional<Instant>> server = new AtomicReference<>(Optional.empty());
    private final AtomicInteger steps = new AtomicInteger();
    private final CycleClock clock = new CycleClock("billing", local -> server.get(), steps::incrementAndGet);

    @Test
    void theLocalClockWhileKoreTimeIsUnknownOrLater() {
        assertEquals(T0, clock.cycleStart(T0));
        server.set(Optional.of(T0.plusSeconds(300)));
        assertEquals(T0.plusSeconds(30), clock.cycleStart(T0.plusSeconds(30)));
        assertEquals(0, steps.get());
    }

    @Test
    void koreTimeWhenTheLocalClockRunsAheadAndEachStepBackCountedOnce() {
        Instant fast = T0.plus(Duration.ofHours(2));
        server.set(Optional.of(T0));
        assertEquals(T0, clock.cycleStart(fast));
        assertEquals(T0, clock.cycleStart(fast.plusSeconds(30)));
        assertEquals(0, steps.get());

        assertEquals(T0, clock.cycleStart(T0.plusSeconds(60)));
        assertEquals(1, steps.get());
        server.set(Optional.of(T0.plusSeconds(95)));
        assertEquals(T0.plusSeconds(90), clock.cycleStart(T0.plusSeconds(90)));
        assertEquals(1, steps.get(), "the clock moves forward again: no further step");
    }
}
