package dev.koreexporter.http;

import dev.koreexporter.metrics.BucketCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per bot, a small ring of cumulative histogram samples (turn latency and record delay), at most one a
 * minute, so the status page can show rates and quantiles over the last 15 minutes from the difference with
 * a sample that old, the way PromQL's {@code increase} would, without a Prometheus.
 */
final class TurnHistory {
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration SPACING = Duration.ofMinutes(1);

    /** One bot's cumulative counts at one moment. */
    record Sample(Instant at, BucketCounts turns, BucketCounts recordDelay) {
    }

    /** What happened between {@code from} and {@code to}. */
    record Window(Instant from, Instant to, BucketCounts turns, BucketCounts recordDelay) {
        Duration length() {
            return Duration.between(from, to);
        }
    }

    private final Map<String, ArrayDeque<Sample>> rings = new HashMap<>();

    /** Keeps {@code sample} unless the bot's newest one is less than a minute old. */
    synchronized void offer(String bot, Sample sample) {
        ArrayDeque<Sample> ring = rings.computeIfAbsent(bot, b -> new ArrayDeque<>());
        Sample newest = ring.peekLast();
        if (newest != null && Duration.between(newest.at(), sample.at()).compareTo(SPACING) < 0) {
            return;
        }
        ring.addLast(sample);
        // Keep one sample at least WINDOW old, as the baseline, and drop those before it.
        Instant cutoff = sample.at().minus(WINDOW);
        while (ring.size() > 1 && !second(ring).at().isAfter(cutoff)) {
            ring.removeFirst();
        }
    }

    /**
     * From the newest sample at least 15 minutes before {@code current} (or the oldest there is, for a
     * shorter window) to {@code current}. Empty before a bot has a sample older than {@code current}.
     */
    synchronized Optional<Window> window(String bot, Sample current) {
        ArrayDeque<Sample> ring = rings.get(bot);
        if (ring == null) {
            return Optional.empty();
        }
        Instant cutoff = current.at().minus(WINDOW);
        Sample base = null;
        for (Sample s : ring) {
            if (base == null || !s.at().isAfter(cutoff)) {
                base = s;
            }
        }
        if (base == null || !base.at().isBefore(current.at())) {
            return Optional.empty();
        }
        return Optional.of(new Window(base.at(), current.at(), current.turns().since(base.turns()),
                current.recordDelay().since(base.recordDelay())));
    }

    private static Sample second(ArrayDeque<Sample> ring) {
        var it = ring.iterator();
        it.next();
        return it.next();
    }
}
