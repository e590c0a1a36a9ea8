package dev.koreexporter.metrics.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * The series of one bot (written by its poller), or of the process itself ({@code bot} null: series without a
 * {@code bot} label, written by every poller). One lock guards them. Per metric, a bot keeps at most
 * {@code maxSeries} series; a further label combination goes to the bot's overflow series, whose other labels
 * are all {@code other}, so sums stay exact, and each such observation counts in
 * {@code kore_exporter_series_folded_total{bot, metric}} (README "Metrics").
 */
final class SeriesOwner {
    static final String OTHER = "other";

    final Object lock = new Object();
    private final String bot;
    private final Family[] families;
    private final Family folded;
    private final int maxSeries;
    private final Map<Key, Series>[] byFamily;
    private final int[] regular;
    private final List<Series> dirty = new ArrayList<>();
    /** Dropped: series still made (by a writer that held on to this owner) never reach a family. */
    private boolean dropped;

    /** Label values, bot excepted, in catalogue order. */
    record Key(String[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(values, k.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    @SuppressWarnings("unchecked")
    SeriesOwner(String bot, Family[] families, Family folded, int maxSeries) {
        this.bot = bot;
        this.families = families;
        this.folded = folded;
        this.maxSeries = maxSeries;
        this.byFamily = new Map[families.length];
        this.regular = new int[families.length];
    }

    String bot() {
        return bot;
    }

    /** A series changed after the last publish (the lock held). */
    void changed(Series s) {
        s.dirty = true;
        dirty.add(s);
    }

    /** The series for {@code values} (bot excepted, catalogue order), created when new, the lock held. */
    Series series(Family f, String[] values) {
        return series(f, values, true);
    }

    /** @param countFold whether going to the overflow series counts as a folded observation */
    Series series(Family f, String[] values, boolean countFold) {
        Map<Key, Series> map = map(f);
        Key key = new Key(values);
        Series s = map.get(key);
        if (s != null) {
            return s;
        }
        if (bot != null && f != folded && regular[f.index] >= maxSeries) {
            Key overflow = overflow(f);
            if (countFold && !overflow.equals(key)) {
                ((ScalarSeries) series(folded, new String[] {f.name})).add(1);
            }
            s = map.get(overflow);
            return s != null ? s : create(f, overflow, map, null);
        }
        regular[f.index]++;
        return create(f, key, map, null);
    }

    /** Sets (or replaces) a series whose value is read when scraped; never counted against the bound. */
    void callback(Family f, String[] values, DoubleSupplier value) {
        Map<Key, Series> map = map(f);
        Series old = map.remove(new Key(values));
        if (old != null) {
            old.dropped = true;
            f.remove(List.of(old));
        }
        create(f, new Key(values), map, value);
    }

    /** Scrapes see every series as it is now. */
    void publish() {
        for (Series s : dirty) {
            s.publish();
            s.visible = true;
            s.dirty = false;
        }
        dirty.clear();
    }

    /** Removes every series from the families: scrapes never see them again. */
    void drop() {
        clear(f -> true);
        dropped = true;
    }

    /** Removes the series of the families {@code which} selects. */
    void clear(Predicate<Family> which) {
        for (int i = 0; i < byFamily.length; i++) {
            if (byFamily[i] != null && which.test(families[i])) {
                List<Series> gone = new ArrayList<>(byFamily[i].values());
                gone.forEach(s -> s.dropped = true);
                families[i].remove(gone);
                byFamily[i] = null;
                regular[i] = 0;
            }
        }
        dirty.removeIf(s -> s.dropped);
    }

    /** Every series of {@code f} (the lock held). */
    Iterable<Series> of(Family f) {
        Map<Key, Series> map = byFamily[f.index];
        return map == null ? List.of() : map.values();
    }

    private Map<Key, Series> map(Family f) {
        Map<Key, Series> map = byFamily[f.index];
        if (map == null) {
            map = new HashMap<>();
            byFamily[f.index] = map;
        }
        return map;
    }

    private Key overflow(Family f) {
        String[] values = new String[f.sortedLabels.length - 1];
        Arrays.fill(values, OTHER);
        return new Key(values);
    }

    private Series create(Family f, Key key, Map<Key, Series> map, DoubleSupplier callback) {
        String[] catalogue = new String[f.sortedLabels.length];
        for (int i = 0, v = 0; i < catalogue.length; i++) {
            catalogue[i] = i == f.botLabel ? bot : key.values()[v++];
        }
        String[] sorted = f.sortedValues(catalogue);
        Series s;
        if (callback != null) {
            s = new CallbackSeries(f, this, sorted, callback);
        } else if (f.histogram()) {
            s = new HistogramSeries(f, this, sorted);
        } else {
            s = new ScalarSeries(f, this, sorted);
        }
        if (s.waitsForPublish) {
            changed(s);
        } else {
            s.visible = true;
        }
        map.put(key, s);
        if (!dropped) {
            f.add(s);
        }
        return s;
    }
}
