package dev.koreexporter.testing;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus text exposition: series (name plus sorted labels, e.g.
 * {@code kore_messages_total{bot="a",channel="korevg",direction="incoming"}}) to value.
 */
public final class MetricsText {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Double> series;
    private final String text;

    private MetricsText(String text, Map<String, Double> series) {
        this.text = text;
        this.series = series;
    }

    public static MetricsText of(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(out.toString(StandardCharsets.UTF_8));
    }

    public static MetricsText parse(String text) {
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String sample = line.contains(" # ") ? line.substring(0, line.indexOf(" # ")) : line;
            Matcher m = LINE.matcher(sample.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            series.put(key(m.group(1), labels(m.group(3))), Double.parseDouble(m.group(4)));
        }
        return new MetricsText(text, series);
    }

    /**
     * Scrapes taken one after the other (of one process and the processes after it, or of two processes whose
     * series are joined as one) folded as Prometheus's {@code increase()} from zero folds each counter and histogram
     * sample: a value below the one before is a counter reset, counted from zero, and a scrape without the series
     * adds nothing. Exporters that start their counters from zero on a restart add up; exporters that continue them
     * give the last value, and one whose counter went down counts its value again, as Prometheus would.
     */
    public static MetricsText increase(List<MetricsText> scrapes) {
        Map<String, Double> total = new LinkedHashMap<>();
        Map<String, Double> last = new HashMap<>();
        for (MetricsText scrape : scrapes) {
            scrape.series.forEach((k, v) -> {
                Double before = last.put(k, v);
                total.merge(k, before == null || v < before ? v : v - before, Double::sum);
            });
        }
        return new MetricsText("", total);
    }

    /**
     * Every step down of a bot's kore_* counter or histogram sample ({@code _total}, {@code _bucket}, {@code _count},
     * {@code _sum}) from one of {@code scrapes} to the next that has it, as {@code key: before -> after}: what
     * Prometheus would take for a counter reset. Empty when they only go up or stay.
     */
    public static List<String> wentDown(List<MetricsText> scrapes) {
        List<String> down = new ArrayList<>();
        Map<String, Double> last = new HashMap<>();
        for (MetricsText scrape : scrapes) {
            scrape.series.forEach((k, v) -> {
                String name = k.contains("{") ? k.substring(0, k.indexOf('{')) : k;
                boolean cumulative = name.startsWith("kore_") && k.contains("bot=\"") && (name.endsWith("_total")
                        || name.endsWith("_bucket") || name.endsWith("_count") || name.endsWith("_sum"));
                Double before = cumulative ? last.put(k, v) : null;
                if (before != null && v < before) {
                    down.add(k + ": " + before + " -> " + v);
                }
            });
        }
        return down;
    }

    public static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        new TreeMap<>(labels).forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }

    private static Map<String, String> labels(String raw) {
        Map<String, String> labels = new TreeMap<>();
        if (raw != null) {
            Matcher m = LABEL.matcher(raw);
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
        }
        return labels;
    }

    public String text() {
        return text;
    }

    public Map<String, Double> series() {
        return series;
    }

    /** The value of one series, 0 when absent. */
    public double value(String name, String... labelPairs) {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        return series.getOrDefault(key(name, labels), 0.0);
    }

    /** Sum of every series of {@code name} whose labels include the given pairs. */
    public double sum(String name, String... labelPairs) {
        double total = 0;
        outer:
        for (Map.Entry<String, Double> e : series.entrySet()) {
            String k = e.getKey();
            if (!(k.equals(name) || k.startsWith(name + "{"))) {
                continue;
            }
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!k.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"")) {
                    continue outer;
                }
            }
            total += e.getValue();
        }
        return total;
    }

    /** Every series of {@code name} (exact family member, e.g. {@code kore_turn_latency_seconds_bucket}). */
    public Map<String, Double> family(String name) {
        Map<String, Double> out = new TreeMap<>();
        series.forEach((k, v) -> {
            if (k.equals(name) || k.startsWith(name + "{")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
