package dev.koreexporter.metrics;

import dev.koreexporter.metrics.catalogue.KoreMeter;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Bucket bounds of the histograms: the catalogue's defaults ({@link KoreMeter#buckets()}) unless configured. */
public final class Buckets {
    /** Default bounds by histogram name. */
    public static final Map<String, List<Double>> DEFAULTS = KoreMeter.histograms().stream()
            .collect(Collectors.toUnmodifiableMap(KoreMeter::metricName, KoreMeter::buckets));

    private Buckets() {
    }
}
