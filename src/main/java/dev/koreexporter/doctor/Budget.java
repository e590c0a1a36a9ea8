package dev.koreexporter.doctor;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.poll.Stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests per hour the exporter would send for the traffic doctor saw, following README "How it reads
 * Kore.ai": every {@code poll.interval} each stream re-reads its lookback ({@code poll.session-horizon} for
 * sessions, {@code poll.lookback} for the others); a stream with more than three pages in it re-reads it only every
 * {@code poll.sweep-interval} and in between reads one page. Page sizes are the ones the server actually served.
 * The check compares that with the configured {@code kore.rate-limit.per-hour}, the exporter's share of the bot's
 * budget (Kore.ai's 1,800/h per bot is shared with the bot's other design-time APIs).
 */
final class Budget {
    private static final int BUSY_PAGES = 3;
    private static final double HOUR_S = 3600;

    private final ExporterConfig.Poll poll;
    private final ExporterConfig.RateLimit limit;
    private final List<Double> streams = new ArrayList<>();

    Budget(ExporterConfig.Poll poll, ExporterConfig.RateLimit limit) {
        this.poll = poll;
        this.limit = limit;
    }

    /**
     * {@code stream} with {@code recordsInBackfill} records in {@code poll.backfill}, read {@code pageSize} a page:
     * its lookback holds them in proportion.
     */
    void stream(Stream<?> stream, long recordsInBackfill, int pageSize) {
        Duration lookback = stream.kind().reach().of(poll);
        double share = (double) lookback.toMillis() / Math.max(1, poll.backfill().toMillis());
        double inLookback = Math.max(0, recordsInBackfill) * share;
        double pages = Math.max(1, Math.ceil(inLookback / Math.max(1, pageSize)));
        double cycles = HOUR_S / Math.max(0.001, poll.interval().toMillis() / 1000.0);
        double sweeps = HOUR_S / Math.max(0.001, poll.sweepInterval().toMillis() / 1000.0);
        streams.add(pages <= BUSY_PAGES ? cycles * pages : cycles + Math.min(cycles, sweeps) * pages);
    }

    long perHour() {
        return Math.round(streams.stream().mapToDouble(Double::doubleValue).sum());
    }

    /** The {@code budget} check: the requests per hour against {@code kore.rate-limit.per-hour}. */
    CheckResult check() {
        long perHour = perHour();
        int hourly = limit.perHour();
        long percent = Math.round(100.0 * perHour / hourly);
        String detail = "about " + perHour + " requests/h for the traffic seen at poll.interval "
                + BotDoctor.duration(Duration.ZERO, poll.interval()) + ": " + percent + " % of kore.rate-limit.per-hour ("
                + hourly + ", the exporter's share of the bot's budget)";
        if (perHour > hourly) {
            return CheckResult.fail("budget", detail + ": the exporter would fall behind; raise poll.interval, or"
                    + " kore.rate-limit if the bot's other API users leave room");
        }
        if (perHour * 2 > hourly) {
            return CheckResult.warn("budget", detail + ": it would wait for its own limit at busy times; raise"
                    + " poll.interval, or kore.rate-limit if the bot's other API users leave room");
        }
        return CheckResult.ok("budget", detail);
    }
}
