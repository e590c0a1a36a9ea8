package dev.koreexporter.metrics.store;

import dev.koreexporter.metrics.catalogue.KoreMeter;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Every kore_* series (README "Metrics", "Performance and sizing"): per bot, the series its poller writes, in
 * primitive arrays, with label text rendered once; written to a scrape in the text, OpenMetrics or protobuf
 * format with only the numbers formatted then. A bot's counters and histograms reach scrapes when the bot
 * {@link #publish}es (after each checkpoint write); a bot's cumulative values are {@link #export}ed into its
 * checkpoint and {@link #restore}d from it, and all its series {@link #drop}ped (a bot this process no longer
 * polls).
 *
 * <p>Label arguments are the meter's catalogue labels in catalogue order, {@code bot} left out (it is the
 * {@code bot} argument; null for a meter without a {@code bot} label).
 */
public final class SeriesStore {
    private static final int BUFFER = 64 * 1024;
    private static final byte[] EOF = ByteSink.ascii("# EOF\n");

    private final Clock clock;
    private final int maxSeriesPerMetric;
    private final Family[] byMeter;
    private final Family[] exposition;
    private final Map<String, Family> byName;
    private final Set<String> prometheusNames;
    private final Family folded;
    private final SeriesOwner process;
    private final Map<String, SeriesOwner> bots = new ConcurrentHashMap<>();
    private final SnapshotCollector collector = new SnapshotCollector(this);
    /** The bots whose series scrapes see, asked when scraped: all but with state shared by replicas. */
    private volatile Predicate<String> exported = bot -> true;

    /**
     * @param buckets            histogram bucket bounds by metric name ({@code metrics.buckets}); the catalogue's
     *                           for the others
     * @param maxSeriesPerMetric {@code metrics.max-series-per-metric}: series each bot keeps per metric
     * @param clock              the time of an exemplar
     */
    public SeriesStore(Map<String, List<Double>> buckets, int maxSeriesPerMetric, Clock clock) {
        if (maxSeriesPerMetric < 1) {
            throw new IllegalArgumentException("max series per metric " + maxSeriesPerMetric + " is below 1");
        }
        this.clock = clock;
        this.maxSeriesPerMetric = maxSeriesPerMetric;
        KoreMeter[] meters = KoreMeter.values();
        byMeter = new Family[meters.length];
        for (KoreMeter m : meters) {
            double[] bounds = buckets.getOrDefault(m.metricName(), m.buckets()).stream()
                    .mapToDouble(Double::doubleValue).toArray();
            byMeter[m.ordinal()] = new Family(m.ordinal(), m, bounds);
        }
        exposition = byMeter.clone();
        Arrays.sort(exposition, Comparator.comparing(f -> f.prometheusName));
        byName = Arrays.stream(byMeter).collect(Collectors.toUnmodifiableMap(f -> f.name, f -> f));
        prometheusNames = Arrays.stream(byMeter).map(f -> f.prometheusName).collect(Collectors.toUnmodifiableSet());
        folded = byMeter[KoreMeter.SERIES_FOLDED.ordinal()];
        process = new SeriesOwner(null, byMeter, folded, Integer.MAX_VALUE);
    }

    /**
     * Scrapes show a bot's series only while {@code bots} says so, asked at each scrape (README "Running several
     * replicas": a replica exports a bot only while it holds the bot's lease); the series of no bot always.
     */
    public void exportOnly(Predicate<String> bots) {
        exported = bots;
    }

    /** Whether scrapes see the series of {@code bot} now (null: the process's own). */
    boolean exported(String bot) {
        return bot == null || exported.test(bot);
    }

    /** Adds {@code amount} to a counter. */
    public void add(String bot, KoreMeter meter, double amount, String... labels) {
        SeriesOwner o = owner(bot, meter);
        synchronized (o.lock) {
            ((ScalarSeries) o.series(byMeter[meter.ordinal()], labels)).add(amount);
        }
    }

    /** Creates a counter at zero, so that {@code increase()} sees its first step too. */
    public void create(String bot, KoreMeter meter, String... labels) {
        add(bot, meter, 0, labels);
    }

    /** Sets a gauge; scrapes see it at once. */
    public void set(String bot, KoreMeter meter, double value, String... labels) {
        SeriesOwner o = owner(bot, meter);
        synchronized (o.lock) {
            ((ScalarSeries) o.series(byMeter[meter.ordinal()], labels)).set(value);
        }
    }

    /** Observes {@code value} in a histogram; {@code exemplar} (may be null) for a latency histogram. */
    public void observe(String bot, KoreMeter meter, double value, Exemplar exemplar, String... labels) {
        if (Double.isNaN(value)) {
            // As client_java: NaN has no bucket and would make the sum NaN for good.
            return;
        }
        Family f = byMeter[meter.ordinal()];
        SeriesOwner o = owner(bot, meter);
        boolean withExemplar = exemplar != null && f.exemplars;
        long millis = withExemplar ? clock.millis() : 0;
        synchronized (o.lock) {
            HistogramSeries h = (HistogramSeries) o.series(f, labels);
            if (withExemplar) {
                h.observe(value, exemplar.traceHi(), exemplar.traceLo(), exemplar.spanId(), millis);
            } else {
                h.observe(value, 0, 0, 0, 0);
            }
        }
    }

    /**
     * Gives the bucket of {@code value}, observed before by {@link #observe} without an exemplar, {@code exemplar}:
     * a turn's span is emitted after its page is counted (README "Tracing"), and only a span handed to the exporter
     * is an exemplar.
     */
    public void exemplar(String bot, KoreMeter meter, double value, Exemplar exemplar, String... labels) {
        Family f = byMeter[meter.ordinal()];
        if (Double.isNaN(value) || exemplar == null || !f.exemplars) {
            return;
        }
        SeriesOwner o = owner(bot, meter);
        long millis = clock.millis();
        synchronized (o.lock) {
            ((HistogramSeries) o.series(f, labels)).exemplar(value, exemplar.traceHi(), exemplar.traceLo(),
                    exemplar.spanId(), millis);
        }
    }

    /** A series whose value {@code value} gives when scraped (NaN: none now); replaces an earlier one. */
    public void callback(String bot, KoreMeter meter, DoubleSupplier value, String... labels) {
        SeriesOwner o = owner(bot, meter);
        synchronized (o.lock) {
            o.callback(byMeter[meter.ordinal()], labels, value);
        }
    }

    /** Scrapes see the bot's counters and histograms as they are now (only what changed since is copied). */
    public void publish(String bot) {
        SeriesOwner o = bots.get(bot);
        if (o != null) {
            synchronized (o.lock) {
                o.publish();
            }
        }
    }

    /** The bot's cumulative counter and histogram values, published or not (what a checkpoint carries). */
    public BotSeriesState export(String bot) {
        SeriesOwner o = bots.get(bot);
        if (o == null) {
            return new BotSeriesState(BotSeriesState.VERSION, List.of());
        }
        synchronized (o.lock) {
            return SeriesStates.export(o, byMeter);
        }
    }

    /**
     * Replaces the bot's counters and histograms by {@code state} and publishes them (its gauges stay). Values
     * of a metric whose bucket bounds changed since are dropped (logged): that histogram starts from zero.
     */
    public void restore(String bot, BotSeriesState state) {
        SeriesOwner o = owner(bot, KoreMeter.SERIES_FOLDED);
        synchronized (o.lock) {
            o.clear(Family::published);
            SeriesStates.restore(o, byName, state);
            o.publish();
        }
    }

    /** Removes every series of the bot: scrapes no longer show it (until it records again). */
    public void drop(String bot) {
        SeriesOwner o = bots.remove(bot);
        if (o != null) {
            synchronized (o.lock) {
                o.drop();
            }
        }
    }

    /** The bot's published classic bucket counts of {@code histogram}, summed over its series; null if none. */
    public long[] bucketCounts(String bot, KoreMeter histogram) {
        SeriesOwner o = bots.get(bot);
        Family f = byMeter[histogram.ordinal()];
        if (o == null || !f.histogram()) {
            return null;
        }
        long[] sum = new long[f.bounds.length];
        boolean any = false;
        synchronized (o.lock) {
            for (Series s : o.of(f)) {
                if (s.visible) {
                    ((HistogramSeries) s).addPublishedBuckets(sum);
                    any = true;
                }
            }
        }
        return any ? sum : null;
    }

    /** Upper bounds of a histogram's classic buckets, {@code +Inf} last. */
    public double[] bounds(KoreMeter histogram) {
        return byMeter[histogram.ordinal()].bounds.clone();
    }

    /** Whether a client_java family name (a counter's without {@code _total}) is one of the store's. */
    public boolean owns(String prometheusName) {
        return prometheusNames.contains(prometheusName);
    }

    /** The store as client_java snapshots, to register with a {@code PrometheusRegistry}. */
    public MultiCollector collector() {
        return collector;
    }

    /**
     * Writes the families {@code filter} selects in {@code format}: the store's, and those of {@code registry}
     * (JVM and process metrics, series of no bot) with client_java's writer, all in name order.
     */
    public void write(ExpositionFormat format, ScrapeFilter filter, PrometheusRegistry registry, OutputStream out)
            throws IOException {
        Predicate<String> names = filter.nameFilter();
        MetricSnapshots others = filter.includes(null)
                ? registry.scrape(name -> !owns(name) && names.test(name)) : new MetricSnapshots(List.of());
        ByteSink sink = new ByteSink(out, BUFFER);
        long exemplarsSince = exemplarsSince();
        TextWriter text = format == ExpositionFormat.PROTOBUF ? null
                : new TextWriter(format == ExpositionFormat.OPENMETRICS, sink, exemplarsSince);
        ProtobufWriter protobuf = format == ExpositionFormat.PROTOBUF ? new ProtobufWriter(sink, exemplarsSince) : null;
        Predicate<String> bots = bot -> filter.includes(bot) && exported(bot);
        int other = 0;
        for (Family f : exposition) {
            while (other < others.size() && others.get(other).getMetadata().getPrometheusName()
                    .compareTo(f.prometheusName) < 0) {
                writeOther(format, others.get(other++), sink, out);
            }
            if (!names.test(f.prometheusName)) {
                continue;
            }
            if (text != null) {
                text.family(f, f.sorted(), bots);
            } else {
                protobuf.family(f, f.sorted(), bots);
            }
        }
        while (other < others.size()) {
            writeOther(format, others.get(other++), sink, out);
        }
        if (format == ExpositionFormat.OPENMETRICS) {
            sink.write(EOF);
        }
        sink.flush();
    }

    /**
     * Every family's series as a scrape would show them now, as OpenTelemetry metric data (README "OTLP metrics"),
     * in catalogue order; families without a series to show are left out.
     *
     * @param startNanos  epoch nanos the cumulative values count from (when the push began)
     * @param exponential the latency histograms as exponential histograms; false: as explicit-bucket ones
     */
    public List<MetricData> otlp(Resource resource, InstrumentationScopeInfo scope, long startNanos,
                                 boolean exponential) {
        OtlpWriter writer = new OtlpWriter(resource, scope, startNanos, TimeUnit.MILLISECONDS.toNanos(clock.millis()),
                exponential, exemplarsSince());
        List<MetricData> out = new ArrayList<>();
        for (Family f : byMeter) {
            MetricData m = writer.family(f, this::exported);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    Family[] families() {
        return exposition;
    }

    /** Exemplars observed before this (epoch millis) are no longer shown. */
    long exemplarsSince() {
        return clock.millis() - HistogramState.EXEMPLAR_RETENTION.toMillis();
    }

    int maxSeriesPerMetric() {
        return maxSeriesPerMetric;
    }

    private static void writeOther(ExpositionFormat format, MetricSnapshot snapshot, ByteSink sink, OutputStream out)
            throws IOException {
        MetricSnapshots one = new MetricSnapshots(List.of(snapshot));
        if (format != ExpositionFormat.OPENMETRICS) {
            sink.flush();
            format.writer().write(out, one);
            return;
        }
        ByteArrayOutputStream om = new ByteArrayOutputStream();
        format.writer().write(om, one);
        byte[] bytes = om.toByteArray();
        // client_java ends each OpenMetrics exposition with "# EOF"; the whole answer gets one, at its end.
        sink.write(bytes, 0, bytes.length - EOF.length);
    }

    private SeriesOwner owner(String bot, KoreMeter meter) {
        if (bot == null) {
            if (meter.labels().contains("bot")) {
                throw new IllegalArgumentException(meter.metricName() + " needs a bot");
            }
            return process;
        }
        SeriesOwner o = bots.get(bot);
        return o != null ? o : bots.computeIfAbsent(bot, b -> new SeriesOwner(b, byMeter, folded, maxSeriesPerMetric));
    }
}
