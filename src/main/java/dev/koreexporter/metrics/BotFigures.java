package dev.koreexporter.metrics;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * One bot's figures for the status page (README "Status page"), read from where they live: the watermark lag
 * and containment shares from the bot's poller, the budget from its rate limiter, the turn latency and record
 * delay buckets from the bot's series as last published. An absent value is an empty optional, an absent
 * histogram {@link BucketCounts#EMPTY}.
 */
public record BotFigures(OptionalDouble lagSeconds, OptionalDouble budgetMinute, OptionalDouble budgetHour,
                         Map<String, Double> containment, BucketCounts turns, BucketCounts recordDelay) {
    public static final BotFigures NONE = new BotFigures(OptionalDouble.empty(), OptionalDouble.empty(),
            OptionalDouble.empty(), Map.of(), BucketCounts.EMPTY, BucketCounts.EMPTY);

    public BotFigures {
        containment = Map.copyOf(containment);
    }

    /** Where the status page reads each bot's figures. */
    @FunctionalInterface
    public interface Source {
        BotFigures figures(String bot);
    }
}
