package dev.koreexporter.metrics.store;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The cumulative values of every kore_* counter and histogram series of one bot (native buckets included,
 * exemplars not: they point to spans, they are not counts), as a checkpoint carries them so a restart or a
 * takeover continues the bot's series instead of resetting them (README "Reliability and security"). A plain
 * Jackson-serialisable value; {@link SeriesStore#export} makes it, {@link SeriesStore#restore} reads it back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BotSeriesState(int version, List<Metric> metrics) {
    public static final int VERSION = 1;

    public BotSeriesState {
        metrics = List.copyOf(metrics);
    }

    /** One metric's series; {@code bounds} are a histogram's finite classic bucket bounds (null for counters). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metric(String name, double[] bounds, List<Series> series) {
        public Metric {
            series = List.copyOf(series);
        }
    }

    /**
     * One series: its label values but {@code bot}, in the metric's label order (README metric table); a
     * counter's {@code value}, or a histogram's count per classic bucket ({@code +Inf} last, not cumulative),
     * {@code sum}, and native buckets when it has them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Series(List<String> labels, Double value, long[] buckets, Double sum, Native nativeBuckets) {
        public Series {
            labels = List.copyOf(labels);
        }
    }

    /**
     * Native buckets: the schema, the zero bucket's count, and the populated buckets of positive (and, should a
     * value ever be negative, negative) values: indexes as gaps (the first index, then each one's distance from
     * the one before, mostly 1 and short in JSON) with their counts.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Native(int schema, long zeroCount, int[] indexGaps, long[] counts, int[] negativeIndexGaps,
                         long[] negativeCounts) {
    }
}
