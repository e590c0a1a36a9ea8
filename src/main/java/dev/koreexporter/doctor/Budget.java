package dev.koreexporter.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests per hour the exporter would send for the traffic doctor saw, following README "How it reads
 * Kore.ai": every {@code poll.interval} each stream re-reads its lookback; a stream with more than three pages
 * in the lookback re-reads it only every {@code poll.sweep-interval} and in between reads one page. Page sizes
 * are the ones the server actually served. Follow-ups of long active sessions by id come on top (at most one
 * request per 50 such sessions per {@code poll.sweep-interval}) and are left out.
 */
final class Budget {
    private static final int BUSY_PAGES = 3;
    private static final double HOUR_S = 3600;

    private final Duration interval;
    private final Duration lookback;
    private final Duration backfill;
    private final Duration sweepInterval;
    private final List<Double> streams = new ArrayList<>();

    Budget(Duration interval, Duration lookback, Duration backfill, Duration sweepInterval) {
        this.interval = interval;
        this.lookback = lookback;
        this.backfill = backfill;
        this.sweepInterval = sweepInterval;
    }

    /** A stream with {@code recordsInBackfill} records in {@code poll.backfill}, read {@code pageSize} a page. */
    void stream(long recordsInBackfill, int pageSize) {
        double share = Math.min(1.0, (double) lookback.toMillis() / Math.max(1, backfill.toMillis()));
        double inLookback = Math.max(0, recordsInBackfill) * share;
        double pages = Math.max(1, Math.ceil(inLookback / Math.max(1, pageSize)));
        double cycles = HOUR_S / Math.max(0.001, interval.toMillis() / 1000.0);
        double sweeps = HOUR_S / Math.max(0.001, sweepInterval.toMillis() / 1000.0);
        streams.add(pages <= BUSY_PAGES ? cycles * pages : cycles + Math.min(cycles, sweeps) * pages);
    }

    long perHour() {
        return Math.round(streams.stream().mapToDouble(Double::doubleValue).sum());
    }

    /** The {@code budget} check: the requests per hour against {@code kore.rate-limit.per-hour}. */
    CheckResult check(int limit) {
        long perHour = perHour();
        long percent = Math.round(100.0 * perHour / limit);
        String detail = "about " + perHour + " requests/h for the traffic seen at poll.interval "
                + BotDoctor.duration(Duration.ZERO, interval) + ": " + percent + " % of kore.rate-limit.per-hour ("
                + limit + ")";
        if (perHour > limit) {
            return CheckResult.fail("budget", detail + ": the exporter would fall behind; raise poll.interval");
        }
        if (perHour * 2 > limit) {
            return CheckResult.warn("budget", detail + ": little is left for other integrations of this bot");
        }
        return CheckResult.ok("budget", detail);
    }
}
