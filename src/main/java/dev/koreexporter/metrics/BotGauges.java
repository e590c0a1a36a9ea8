package dev.koreexporter.metrics;

import dev.koreexporter.model.Containment;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;

/** Per-bot values the gauges read at scrape time; implemented by the bot's poller. */
public interface BotGauges {
    String bot();

    /** Now minus the end of the last window read completely, empty before the first one. */
    OptionalDouble watermarkLagSeconds(Instant now);

    /** Share of each containment type among the sessions closed in the trailing window. */
    Map<Containment, Double> containmentRatios(Instant now);
}
