package dev.koreexporter.metrics.store;

import dev.koreexporter.metrics.catalogue.KoreMeter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One kore_* metric as exported: its catalogue entry, its label names in the order the formats write them
 * (sorted, as client_java sorts them), the bytes that never change (HELP and TYPE lines, sample names, each
 * bucket's {@code le} label, the protobuf name, help and type) encoded once, and every series of every bot in
 * the order the formats write them (by label values, as client_java orders data points).
 */
final class Family {
    private static final Comparator<Series> BY_LABELS = (a, b) -> Arrays.compare(a.labels, b.labels);

    final int index;
    final KoreMeter meter;
    final String name;
    /** The name families are sorted and filtered by: a counter's without {@code _total} (client_java's). */
    final String prometheusName;
    final String[] sortedLabels;
    /** For each sorted label, its position in the catalogue's label list. */
    final int[] catalogueIndex;
    /** Position of {@code bot} among the catalogue's labels, -1 for a metric of the process. */
    final int botLabel;
    /** Upper bounds of the classic buckets, {@code +Inf} last; empty unless a histogram. */
    final double[] bounds;
    final boolean nativeBuckets;
    final boolean exemplars;

    final byte[] textHeader;
    final byte[] openMetricsHeader;
    final byte[] protobufHeader;
    /** Counter and gauge samples, and histogram {@code _bucket}, {@code _count}, {@code _sum}. */
    final byte[] sampleName;
    final byte[] bucketName;
    final byte[] countName;
    final byte[] sumName;
    /** {@code le="0.25"} } for each bucket. */
    final byte[][] le;

    private final List<Series> all = new ArrayList<>();
    private long version;
    private long sortedVersion = -1;
    private Series[] sorted = new Series[0];

    Family(int index, KoreMeter meter, double[] finiteBounds) {
        this.index = index;
        this.meter = meter;
        this.name = meter.metricName();
        boolean counter = meter.type() == KoreMeter.Type.COUNTER;
        this.prometheusName = counter && name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
        List<String> labels = meter.labels();
        this.sortedLabels = labels.stream().sorted().toArray(String[]::new);
        this.catalogueIndex = Arrays.stream(sortedLabels).mapToInt(labels::indexOf).toArray();
        this.botLabel = labels.indexOf("bot");
        this.nativeBuckets = meter.latency();
        this.exemplars = meter.latency();
        if (meter.type() == KoreMeter.Type.HISTOGRAM) {
            bounds = Arrays.copyOf(finiteBounds, finiteBounds.length + 1);
            bounds[finiteBounds.length] = Double.POSITIVE_INFINITY;
        } else {
            bounds = new double[0];
        }
        String type = meter.type().label();
        textHeader = ByteSink.utf8("# HELP " + name + " " + textHelp(meter.help()) + "\n# TYPE " + name + " " + type
                + "\n");
        openMetricsHeader = ByteSink.utf8("# TYPE " + prometheusName + " " + type + "\n# HELP " + prometheusName
                + " " + escape(meter.help()) + "\n");
        protobufHeader = protobufHeader(name, meter.help(), switch (meter.type()) {
            case COUNTER -> 0;
            case GAUGE -> 1;
            case HISTOGRAM -> 4;
        });
        sampleName = ByteSink.ascii(name);
        bucketName = ByteSink.ascii(name + "_bucket");
        countName = ByteSink.ascii(name + "_count");
        sumName = ByteSink.ascii(name + "_sum");
        le = new byte[bounds.length][];
        for (int i = 0; i < bounds.length; i++) {
            String bound = bounds[i] == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(bounds[i]);
            le[i] = ByteSink.ascii("le=\"" + bound + "\"} ");
        }
    }

    boolean histogram() {
        return meter.type() == KoreMeter.Type.HISTOGRAM;
    }

    /**
     * The counters and histograms a bot's checkpoint carries ({@link KoreMeter#checkpointed}) wait for the bot's
     * publish, and are exported and restored; gauges (and the rest) show what they are set to.
     */
    boolean published() {
        return meter.checkpointed();
    }

    /** Label values in sorted-label order, from values in catalogue order. */
    String[] sortedValues(String[] catalogueValues) {
        String[] out = new String[sortedLabels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = catalogueValues[catalogueIndex[i]];
        }
        return out;
    }

    /** {@code a="x",b="y"}: label text of the text formats, escaped once. */
    byte[] labelText(String[] sortedValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sortedLabels.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(sortedLabels[i]).append("=\"").append(escape(sortedValues[i])).append('"');
        }
        return ByteSink.utf8(sb.toString());
    }

    /** The repeated {@code label} field of a protobuf {@code Metric}, encoded once. */
    byte[] labelPairs(String[] sortedValues) {
        ByteSink out = new ByteSink(64);
        for (int i = 0; i < sortedLabels.length; i++) {
            Protobuf.labelPair(out, 1, sortedLabels[i], sortedValues[i]);
        }
        return out.toByteArray();
    }

    void add(Series s) {
        synchronized (all) {
            all.add(s);
            version++;
        }
    }

    void remove(List<Series> gone) {
        synchronized (all) {
            all.removeAll(gone);
            version++;
        }
    }

    /** Every series, in exposition order; sorted again only after series came or went. */
    Series[] sorted() {
        synchronized (all) {
            if (sortedVersion != version) {
                Series[] s = all.toArray(new Series[0]);
                Arrays.sort(s, BY_LABELS);
                sorted = s;
                sortedVersion = version;
            }
            return sorted;
        }
    }

    /** Escapes a label value (and OpenMetrics help) as client_java does: backslash, double quote, newline. */
    static String escape(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Help in the Prometheus text format escapes only backslash and newline. */
    private static String textHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static byte[] protobufHeader(String name, String help, int type) {
        ByteSink out = new ByteSink(256);
        Protobuf.string(out, 1, name);
        Protobuf.string(out, 2, help);
        out.varint(Protobuf.tag(3, Protobuf.VARINT));
        out.varint(type);
        return out.toByteArray();
    }
}
