package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.model.Containment;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decodes the top-level {@code slo:} list (README "Your own SLOs"). A latency SLO's threshold must be one
 * of its histogram's bucket bounds (configured or default): the good-event count is then an exact bucket
 * count, and a threshold between bounds would silently measure nothing.
 */
final class SloDecoder {
    /** The keys of an entry, as the config table lists them; which apply depends on the metric. */
    private static final List<String> ALL_KEYS = ConfigKeys.children("slo[]");
    private static final List<String> LATENCY_KEYS = ALL_KEYS.stream().filter(k -> !k.equals("good")).toList();
    private static final List<String> CONTAINMENT_KEYS = ALL_KEYS.stream().filter(k -> !k.equals("threshold")).toList();
    /** The histograms a latency SLO may be written for: the catalogue's latency histograms. */
    private static final List<KoreMeter> LATENCY = Arrays.stream(KoreMeter.values()).filter(KoreMeter::latency).toList();
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private final Problems problems;
    private final List<String> warnings;

    SloDecoder(Problems problems, List<String> warnings) {
        this.problems = problems;
        this.warnings = warnings;
    }

    /** The SLOs, or {@link Slo#DEFAULTS} when the key is absent; {@code buckets}: metrics.buckets as decoded. */
    List<Slo> slos(JsonNode list, String path, Map<String, List<Double>> buckets) {
        if (list == null || list.isNull()) {
            defaultsFit(buckets);
            return Slo.DEFAULTS;
        }
        if (!list.isArray()) {
            problems.add(path, "must be a list, got " + Section.describe(list));
            return List.of();
        }
        if (list.isEmpty()) {
            problems.add(path, "must list at least one SLO (leave it out for the default SLOs)");
            return List.of();
        }
        List<Slo> slos = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode element = list.get(i);
            if (!element.isObject()) {
                problems.add(at, "must be a mapping, got " + Section.describe(element));
                continue;
            }
            Slo slo = slo(element, at, buckets, names, i);
            if (slo != null) {
                slos.add(slo);
            }
        }
        return slos;
    }

    private Slo slo(JsonNode element, String at, Map<String, List<Double>> buckets, Map<String, Integer> names, int index) {
        // Which keys are allowed depends on the metric, so read it before checking the keys.
        JsonNode metricNode = element.get("metric");
        String metric = metricNode != null && metricNode.isTextual() ? metricNode.textValue() : null;
        boolean containment = Slo.ContainmentShare.METRIC.equals(metric);
        KoreMeter histogram = LATENCY.stream().filter(m -> m.metricName().equals(metric)).findFirst().orElse(null);
        List<String> keys = containment ? CONTAINMENT_KEYS : histogram != null ? LATENCY_KEYS : ALL_KEYS;
        int before = problems.messages().size();
        Section s = Section.of(element, at, problems, keys);
        String name = s.required("name");
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            problems.add(s.path("name"), "must match " + NAME.pattern() + " (it is the slo label), got \"" + name + "\"");
        } else if (!name.isEmpty()) {
            Integer first = names.putIfAbsent(name, index);
            if (first != null) {
                problems.add(s.path("name"), "duplicate SLO name \"" + name + "\" (also slo[" + first + "])");
            }
        }
        String metricText = s.required("metric");
        if (!metricText.isEmpty() && !containment && histogram == null) {
            problems.add(s.path("metric"), "must be one of " + metricNames() + ", got \"" + metricText + "\"");
        }
        BigDecimal objective = objective(s);
        if (containment) {
            Set<Containment> good = good(s);
            return problems.messages().size() == before ? new Slo.ContainmentShare(name, good, objective) : null;
        }
        if (histogram == null) {
            return null;
        }
        Double threshold = threshold(s, histogram, buckets);
        return problems.messages().size() == before ? new Slo.Latency(name, histogram, threshold, objective) : null;
    }

    private BigDecimal objective(Section s) {
        String path = s.path("objective");
        if (!s.has("objective")) {
            problems.add(path, "required");
            return null;
        }
        BigDecimal v = decimal(s.get("objective"));
        if (v == null || v.signum() <= 0 || v.compareTo(BigDecimal.ONE) >= 0) {
            problems.add(path, "must be a ratio between 0 and 1 (exclusive), such as 0.95, got " + Section.shown(s.get("objective")));
            return null;
        }
        return v;
    }

    private Double threshold(Section s, KoreMeter histogram, Map<String, List<Double>> buckets) {
        String path = s.path("threshold");
        if (!s.has("threshold")) {
            problems.add(path, "required");
            return null;
        }
        BigDecimal v = decimal(s.get("threshold"));
        List<Double> bounds = bounds(histogram, buckets);
        if (v == null || !bounds.contains(v.doubleValue())) {
            problems.add(path, "must be one of the bucket bounds of " + histogram.metricName() + " (metrics.buckets or the"
                    + " defaults): " + shown(bounds) + ", got " + Section.shown(s.get("threshold")));
            return null;
        }
        return v.doubleValue();
    }

    private Set<Containment> good(Section s) {
        String path = s.path("good");
        JsonNode list = s.get("good");
        if (list == null) {
            problems.add(path, "required");
            return Set.of();
        }
        String values = Arrays.stream(Containment.values()).map(Containment::wireName).collect(Collectors.joining(", "));
        if (!list.isArray() || list.isEmpty()) {
            problems.add(path, "must be a non-empty list of containment values (" + values + "), got "
                    + (list.isArray() ? "an empty list" : Section.describe(list)));
            return Set.of();
        }
        Set<Containment> good = EnumSet.noneOf(Containment.class);
        boolean bad = false;
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String at = path + "[" + i + "]";
            Containment c = n.isTextual() ? Containment.fromWire(n.textValue())
                    .filter(x -> x.wireName().equals(n.textValue())).orElse(null) : null;
            if (c == null) {
                problems.add(at, "must be one of " + values + ", got " + Section.shown(n));
                bad = true;
            } else if (!good.add(c)) {
                problems.add(at, "duplicate containment value \"" + c.wireName() + "\"");
                bad = true;
            }
        }
        if (!bad && good.size() == Containment.values().length) {
            problems.add(path, "must leave out at least one containment value (every session would be good)");
        }
        return good;
    }

    /** Without an {@code slo} list the defaults apply; buckets that drop their thresholds break their alerts. */
    private void defaultsFit(Map<String, List<Double>> buckets) {
        for (Slo slo : Slo.DEFAULTS) {
            if (slo instanceof Slo.Latency l && !bounds(l.metric(), buckets).contains(l.threshold())) {
                warnings.add("metrics.buckets." + l.metric().metricName() + ": has no bound " + plain(l.threshold())
                        + ", the threshold of the default SLO " + l.name() + ", so its alerts cannot fire;"
                        + " add the bound or configure slo (README \"Your own SLOs\")");
            }
        }
    }

    private static List<Double> bounds(KoreMeter histogram, Map<String, List<Double>> buckets) {
        return buckets.getOrDefault(histogram.metricName(), histogram.buckets());
    }

    private static String metricNames() {
        return LATENCY.stream().map(KoreMeter::metricName).collect(Collectors.joining(", "))
                + " or " + Slo.ContainmentShare.METRIC;
    }

    private static String shown(List<Double> bounds) {
        return bounds.stream().map(SloDecoder::plain).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String plain(double bound) {
        return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }

    private static BigDecimal decimal(JsonNode n) {
        String text = n.isNumber() ? n.asText() : n.isTextual() ? n.textValue().strip() : null;
        if (text == null || !DECIMAL.matcher(text).matches()) {
            return null;
        }
        return new BigDecimal(text);
    }
}
