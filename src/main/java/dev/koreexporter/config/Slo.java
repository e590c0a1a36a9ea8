package dev.koreexporter.config;

import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.model.Containment;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One service-level objective of the config's {@code slo} list (README "Your own SLOs"): the share of good
 * events is at least {@code objective} (a ratio in (0, 1), kept as written so {@code 1 - objective} prints
 * exactly). The {@code rules} command turns each into recording rules and burn-rate alerts.
 */
public sealed interface Slo {
    /** The SLOs used when the config has no {@code slo} list; their thresholds are default bucket bounds. */
    List<Slo> DEFAULTS = List.of(
            new Latency("turn-latency", KoreMeter.TURN_LATENCY, 1.5, new BigDecimal("0.95")),
            new Latency("tts-first-byte", KoreMeter.TTS_FIRST_BYTE, 0.3, new BigDecimal("0.95")));

    /** {@code [a-z0-9-]+}, unique in the list; the value of the rules' {@code slo} label. */
    String name();

    BigDecimal objective();

    /**
     * Good event: an observation of {@code metric}, one of the catalogue's latency histograms
     * ({@link KoreMeter#latency()}), at most {@code threshold} seconds (a bucket bound).
     */
    record Latency(String name, KoreMeter metric, double threshold, BigDecimal objective) implements Slo {
        public Latency {
            Objects.requireNonNull(name, "name");
            if (!metric.latency()) {
                throw new IllegalArgumentException(metric.metricName() + " is not a latency histogram");
            }
            Objects.requireNonNull(objective, "objective");
        }
    }

    /** Good event: a closed session ({@code kore_sessions_total}) whose containment is in {@code good}. */
    record ContainmentShare(String name, Set<Containment> good, BigDecimal objective) implements Slo {
        public static final String METRIC = "kore_sessions_total";

        public ContainmentShare {
            Objects.requireNonNull(name, "name");
            // An EnumSet iterates in declaration order, so the generated rules do not depend on the config's order.
            good = Collections.unmodifiableSet(EnumSet.copyOf(good));
            Objects.requireNonNull(objective, "objective");
        }
    }
}
