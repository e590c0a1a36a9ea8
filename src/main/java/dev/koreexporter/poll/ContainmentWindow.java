package dev.koreexporter.poll;

import dev.koreexporter.model.Containment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Closed sessions whose end lies in the trailing containment window, for kore_containment_ratio. */
final class ContainmentWindow {
    record Entry(long endMillis, Containment containment) {
    }

    private final Duration window;
    private final List<Entry> entries = new ArrayList<>();

    ContainmentWindow(Duration window, List<Entry> restored) {
        this.window = window;
        entries.addAll(restored);
    }

    synchronized void add(Instant end, Containment containment) {
        if (end != null && containment != null) {
            entries.add(new Entry(end.toEpochMilli(), containment));
        }
    }

    synchronized Map<Containment, Double> ratios(Instant now) {
        long from = now.minus(window).toEpochMilli();
        long to = now.toEpochMilli();
        Map<Containment, Integer> counts = new EnumMap<>(Containment.class);
        int total = 0;
        for (Entry e : entries) {
            if (e.endMillis() >= from && e.endMillis() <= to) {
                counts.merge(e.containment(), 1, Integer::sum);
                total++;
            }
        }
        Map<Containment, Double> ratios = new EnumMap<>(Containment.class);
        for (Containment c : Containment.values()) {
            ratios.put(c, total == 0 ? 0.0 : counts.getOrDefault(c, 0) / (double) total);
        }
        return ratios;
    }

    synchronized void prune(Instant now) {
        long from = now.minus(window).toEpochMilli();
        entries.removeIf(e -> e.endMillis() < from);
    }

    synchronized List<Entry> snapshot() {
        return List.copyOf(entries);
    }
}
