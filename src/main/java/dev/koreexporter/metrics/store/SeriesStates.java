package dev.koreexporter.metrics.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/** Converts a bot's counters and histograms to and from a {@link BotSeriesState}, the owner's lock held. */
final class SeriesStates {
    private static final Logger LOG = Logger.getLogger(SeriesStore.class.getName());

    private SeriesStates() {
    }

    static BotSeriesState export(SeriesOwner owner, Family[] families) {
        List<BotSeriesState.Metric> metrics = new ArrayList<>();
        for (Family f : families) {
            if (!f.published()) {
                continue;
            }
            List<BotSeriesState.Series> series = new ArrayList<>();
            for (Series s : owner.of(f)) {
                List<String> labels = new ArrayList<>();
                for (int i = 0; i < f.sortedLabels.length; i++) {
                    if (i != f.botLabel) {
                        labels.add(s.catalogueValue(i));
                    }
                }
                series.add(switch (s) {
                    case ScalarSeries c -> new BotSeriesState.Series(labels, c.value(), null, null, null);
                    case HistogramSeries h -> new BotSeriesState.Series(labels, null, h.state.buckets.clone(),
                            h.state.sum, h.state.nativeBuckets == null ? null : exportNative(h.state.nativeBuckets));
                    case CallbackSeries c -> throw new IllegalStateException(f.name + " is not a callback");
                });
            }
            if (!series.isEmpty()) {
                double[] bounds = f.histogram() ? Arrays.copyOf(f.bounds, f.bounds.length - 1) : null;
                metrics.add(new BotSeriesState.Metric(f.name, bounds, series));
            }
        }
        return new BotSeriesState(BotSeriesState.VERSION, metrics);
    }

    /** Adds the state's values to the bot's series (the bound on series per metric applies, folding adds). */
    static void restore(SeriesOwner owner, Map<String, Family> byName, BotSeriesState state) {
        for (BotSeriesState.Metric m : state.metrics()) {
            Family f = byName.get(m.name());
            if (f == null || !f.published()) {
                LOG.warning(() -> "bot=" + owner.bot() + " " + m.name() + ": no such counter or histogram any more;"
                        + " its saved values are dropped");
                continue;
            }
            if (f.histogram() && !Arrays.equals(m.bounds(), Arrays.copyOf(f.bounds, f.bounds.length - 1))) {
                LOG.warning(() -> "bot=" + owner.bot() + " " + m.name() + ": bucket bounds changed since the values"
                        + " were saved; its series start from zero");
                continue;
            }
            for (BotSeriesState.Series s : m.series()) {
                if (s.labels().size() != f.sortedLabels.length - (f.botLabel >= 0 ? 1 : 0)) {
                    continue;
                }
                Series target = owner.series(f, s.labels().toArray(String[]::new), false);
                switch (target) {
                    case ScalarSeries c when s.value() != null -> c.add(s.value());
                    case HistogramSeries h when fits(f, s) -> {
                        h.beforeWrite();
                        h.state.merge(histogram(f, s));
                    }
                    default -> LOG.warning(() -> "bot=" + owner.bot() + " " + m.name() + ": a saved series does not"
                            + " fit the metric; dropped");
                }
            }
        }
    }

    private static boolean fits(Family f, BotSeriesState.Series s) {
        return s.buckets() != null && s.buckets().length == f.bounds.length && s.sum() != null
                && (s.nativeBuckets() != null) == f.nativeBuckets;
    }

    private static HistogramState histogram(Family f, BotSeriesState.Series s) {
        HistogramState h = new HistogramState(f.bounds.length, f.nativeBuckets);
        System.arraycopy(s.buckets(), 0, h.buckets, 0, h.buckets.length);
        h.sum = s.sum();
        h.count = Arrays.stream(s.buckets()).sum();
        if (f.nativeBuckets) {
            BotSeriesState.Native n = s.nativeBuckets();
            h.nativeBuckets.schema = n.schema();
            h.nativeBuckets.zeroCount = n.zeroCount();
            load(h.nativeBuckets.positive, n.indexGaps(), n.counts());
            if (n.negativeIndexGaps() != null) {
                h.nativeBuckets.negative = new NativeHistogram.Buckets();
                load(h.nativeBuckets.negative, n.negativeIndexGaps(), n.negativeCounts());
            }
        }
        return h;
    }

    private static BotSeriesState.Native exportNative(NativeHistogram n) {
        boolean negative = n.negative != null && n.negative.size > 0;
        return new BotSeriesState.Native(n.schema, n.zeroCount, gaps(n.positive), Arrays.copyOf(n.positive.counts,
                n.positive.size), negative ? gaps(n.negative) : null,
                negative ? Arrays.copyOf(n.negative.counts, n.negative.size) : null);
    }

    private static int[] gaps(NativeHistogram.Buckets b) {
        int[] gaps = new int[b.size];
        for (int i = 0; i < b.size; i++) {
            gaps[i] = i == 0 ? b.indexes[0] : b.indexes[i] - b.indexes[i - 1];
        }
        return gaps;
    }

    private static void load(NativeHistogram.Buckets into, int[] gaps, long[] counts) {
        int index = 0;
        for (int i = 0; i < Math.min(gaps.length, counts.length); i++) {
            index = i == 0 ? gaps[0] : index + gaps[i];
            into.add(index, counts[i]);
        }
    }
}
