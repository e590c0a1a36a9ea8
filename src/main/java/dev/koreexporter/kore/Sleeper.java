package dev.koreexporter.kore;

import java.time.Duration;

/** Waits; injected so that tests observe waits instead of spending them. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    Sleeper SYSTEM = duration -> {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    };
}
