package dev.koreexporter.metrics.store;

import io.prometheus.metrics.model.registry.MetricNameFilter;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which series a scrape asks for (README "Splitting scrapes"): {@code bots} the bots whose series it wants
 * ({@code /metrics?bot=NAME}, repeatable; {@link #NO_BOT} stands for the series of no bot: the process's own and
 * the JVM's); none means all. {@code names} the metric names ({@code name[]=}, as client_java's
 * exporters read it: a counter matches with or without {@code _total}); none means all. Equal filters share
 * one render.
 */
public record ScrapeFilter(Set<String> bots, List<String> names) {
    public static final ScrapeFilter ALL = new ScrapeFilter(Set.of(), List.of());
    /**
     * The {@code bot} value of the series that belong to no bot. Not a possible bot name (those are letters,
     * digits, {@code _ . -}), and not empty: Prometheus drops a target's empty URL parameter.
     */
    public static final String NO_BOT = "(none)";

    public ScrapeFilter {
        bots = Set.copyOf(bots);
        names = List.copyOf(new TreeSet<>(names));
    }

    /** Whether a series of {@code bot} (null for the process's own) is wanted. */
    public boolean includes(String bot) {
        return bots.isEmpty() || bots.contains(bot == null ? NO_BOT : bot);
    }

    /** The metric names wanted, tested on client_java's names (a counter's without {@code _total}). */
    public Predicate<String> nameFilter() {
        return names.isEmpty() ? name -> true : MetricNameFilter.builder().nameMustBeEqualTo(names).build();
    }
}
