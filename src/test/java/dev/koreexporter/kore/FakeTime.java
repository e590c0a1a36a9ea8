package dev.koreexporter.kore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that only moves when told to or when something sleeps on it; sleeps are recorded. */
final class FakeTime extends Clock implements Sleeper {
    private final AtomicReference<Instant> now;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    FakeTime(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        if (duration.isPositive()) {
            advance(duration);
        }
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
