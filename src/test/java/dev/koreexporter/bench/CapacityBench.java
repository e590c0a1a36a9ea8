package dev.koreexporter.bench;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How busy one voice bot can be before the exporter falls behind within Kore.ai's 60/min and 1,800/h (docs/
 * performance.md, "Capacity"), how much of that budget it leaves to the bot's other integrations, and how fresh
 * its counts are. Every run is a {@link TrafficRun}: a real poller against the simulator on a manual clock.
 */
final class CapacityBench {
    /** Rates tried, as multiples of the bound: up from it while runs keep up, down from it until one does. */
    private static final List<Double> UP = List.of(1.25, 1.5, 2.0);
    private static final List<Double> DOWN = List.of(0.9, 0.8, 0.7, 0.6, 0.5);
    private static final Duration LENGTH = Duration.ofMinutes(80);
    private static final Duration WARM_UP = Duration.ofMinutes(20);

    /**
     * What the traffic looks like per session, from the simulator's ground truth: records the messages API returns
     * (developer ones included: they cost pages too), and the minutes by which the time a session is reported closed
     * outlasts a 0.3.0 sweep's window (0.3.0 followed such sessions by id, 50 a call, once per sweep interval).
     */
    record Profile(double messagesPerSession, double followMinutesPerSession) {
    }

    /** How 0.3.0 read sessions: its lookback in pages of 100, sessions still active after it looked up by id. */
    private static final int SESSIONS_PAGE_030 = 100;
    private static final int LOOKUP_IDS_030 = 50;

    private CapacityBench() {
    }

    static List<Row> capacity(boolean tiny, List<TrafficRun.Result> all) throws Exception {
        List<Callable<List<Row>>> searches = new ArrayList<>();
        for (boolean agentAi : new boolean[]{false, true}) {
            for (int divisor : new int[]{8, 2}) {
                searches.add(() -> search(tiny, agentAi, divisor, all));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (List<Row> r : inParallel(searches)) {
            rows.addAll(r);
        }
        return rows;
    }

    /** The highest rate that keeps up for one configuration, next to its bound. */
    private static List<Row> search(boolean tiny, boolean agentAi, int divisor, List<TrafficRun.Result> all) {
        Duration sweep = TrafficRun.LOOKBACK.dividedBy(divisor);
        Profile p = profile(sweep);
        double bound = bound(p, agentAi, sweep);
        System.out.printf(Locale.ROOT, "   capacity %s: %s, bound %.0f sessions/min%n", agentAi ? "with Agent AI" : "no Agent AI", p, bound);
        String name = (agentAi ? "with Agent AI" : "no Agent AI") + ", sweep lookback/" + divisor;
        double best = 0;
        TrafficRun.Result atBest = null;
        // The bound first; then up while runs keep up, or down until one does.
        List<Double> multiples = new ArrayList<>(List.of(1.0));
        for (int i = 0; i < multiples.size(); i++) {
            double rate = tiny ? Math.min(bound, 3) : Math.floor(bound * multiples.get(i));
            TrafficRun.Result r = TrafficRun.run(tiny
                    ? new TrafficRun.Setup(rate, agentAi, sweep, Duration.ofMinutes(45), Duration.ofMinutes(10))
                    : new TrafficRun.Setup(rate, agentAi, sweep, LENGTH, WARM_UP));
            synchronized (all) {
                all.add(r);
            }
            boolean keptUp = keptUp(r);
            System.out.printf(Locale.ROOT, "   capacity %s: %.0f sessions/min %s: %.0f req/h, max lag %.0f s, "
                            + "on-time p99 %.0f s, late p99 %.0f s, max %d/min %d/h %s%s%n", name, rate,
                    keptUp ? "kept up" : "fell behind", r.requestsPerHour(), r.maxLagSeconds(),
                    TrafficRun.quantile(r.onTime(), 0.99), TrafficRun.quantile(r.late(), 0.99),
                    r.maxPerMinute(), r.maxPerHour(), r.byEndpoint(), r.problems().isEmpty() ? "" : " " + r.problems());
            if (keptUp && rate > best) {
                best = rate;
                atBest = r;
            }
            if (!tiny && i == 0) {
                multiples.addAll(keptUp ? UP : DOWN);
            } else if (!tiny && keptUp != (multiples.get(i) > 1)) {
                break; // going up, it fell behind; going down, it kept up
            }
        }
        String id = "capacity." + (agentAi ? "aa." : "") + divisor;
        return List.of(
                Row.info(id + ".bound", "capacity, " + name + ": bound (page sizes, budget, freshness rules)",
                        bound, "sess/min"),
                Row.info(id, "capacity, " + name + ": highest rate kept up (exact, in limits, lag <= sweep+interval)",
                        best, "sess/min"),
                Row.atLeast(id + ".ratio", "capacity, " + name + ": measured / bound"
                        + (atBest == null ? "" : String.format(Locale.ROOT, " (%.0f req/h at it)", atBest.requestsPerHour())),
                        best / bound, "ratio", 0.8));
    }

    /** Runs on as many threads as there are cores (each run has its own simulator and clock); results in order. */
    private static <T> List<T> inParallel(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Requests per hour at 1, 10 and 100 sessions/min against the capacity model's cost of that traffic; the sessions stream's
     * requests measured against what 0.3.0's reading costs on the same traffic (its cost model, {@link
     * #sessionsCost030}, fed by the same ground truth; README "How it reads Kore.ai"); freshness.
     */
    static List<Row> budget(boolean tiny, List<TrafficRun.Result> all) throws Exception {
        Duration sweep = TrafficRun.LOOKBACK.dividedBy(8);
        Profile p = profile(sweep);
        int[] rates = {1, 10, 100};
        List<Callable<TrafficRun.Result>> runs = new ArrayList<>();
        for (int rate : rates) {
            runs.add(() -> TrafficRun.run(tiny
                    ? new TrafficRun.Setup(Math.min(rate, 10), false, sweep, Duration.ofMinutes(45), Duration.ofMinutes(10))
                    : new TrafficRun.Setup(rate, false, sweep, LENGTH, WARM_UP)));
        }
        List<TrafficRun.Result> results = inParallel(runs);
        all.addAll(results);
        List<Row> rows = new ArrayList<>();
        List<Row> sessions = new ArrayList<>();
        List<Row> fresh = new ArrayList<>();
        for (int i = 0; i < rates.length; i++) {
            int rate = rates[i];
            TrafficRun.Result r = results.get(i);
            System.out.printf(Locale.ROOT, "   budget %d sessions/min: by endpoint %s, %s%n", rate, r.byEndpoint(),
                    r.problems().isEmpty() ? "exact" : r.problems());
            double measuredRate = r.setup().rate();
            // Against the cost the capacity runs compute for this traffic (hourlyCost: the rules of README "How it
            // reads Kore.ai"), not a page per stream per cycle: no exporter that counts late records re-reads less.
            double model = hourlyCost(measuredRate, p, false, sweep);
            rows.add(Row.atMost("budget." + rate, String.format(Locale.ROOT,
                            "requests/h/bot at %d sessions/min (capacity model %.0f, floor %.0f) vs 1.25x model",
                            rate, model, r.floorPerHour()),
                    r.requestsPerHour(), "req/h", 1.25 * model));
            double sessions030 = sessionsCost030(measuredRate, p, sweep);
            double all030 = sessions030 + messagesCost(measuredRate, p, sweep);
            System.out.printf(Locale.ROOT, "   budget %.0f sessions/min: sessions stream %.0f req/h (model %.0f), "
                            + "0.3.0's %.0f; all streams %.0f req/h, 0.3.0's %.0f%n", measuredRate,
                    r.perHour("getSessions"), sessionsCost(measuredRate, sweep), sessions030, r.requestsPerHour(), all030);
            sessions.add(Row.atMost("budget.sessions." + rate, String.format(Locale.ROOT,
                            "sessions stream requests/h at %.0f sessions/min: 0.4.0 (horizon 1h, pages of 1,000) vs 0.3.0's",
                            measuredRate), r.perHour("getSessions"), "req/h", sessions030));
            sessions.add(Row.info("budget.030." + rate, String.format(Locale.ROOT,
                    "requests/h/bot at %.0f sessions/min, 0.3.0's reading (lookback in pages of 100, active ones by id)",
                    measuredRate), all030, "req/h"));
            if (rate >= 10) {
                String at = " at " + rate + " sessions/min";
                double interval = TrafficRun.INTERVAL.toSeconds();
                fresh.add(Row.info("fresh." + rate + ".ontime.p50", "freshness" + at + ", on-time records: p50 returned -> counted",
                        TrafficRun.quantile(r.onTime(), 0.5), "s"));
                fresh.add(Row.atMost("fresh." + rate + ".ontime.p99", "freshness" + at + ", on-time records: p99 ("
                        + r.onTime().length + " records)", TrafficRun.quantile(r.onTime(), 0.99), "s", interval + 5));
                fresh.add(Row.info("fresh." + rate + ".late.p50", "freshness" + at + ", late records: p50",
                        TrafficRun.quantile(r.late(), 0.5), "s"));
                fresh.add(Row.atMost("fresh." + rate + ".late.p99", "freshness" + at + ", late records: p99 ("
                        + r.late().length + " records)", TrafficRun.quantile(r.late(), 0.99), "s",
                        sweep.toSeconds() + interval + 5));
            }
        }
        rows.addAll(sessions);
        rows.addAll(fresh);
        return rows;
    }

    /** Kore.ai's limits were never exceeded in any run of this benchmark, first backfills included. */
    static List<Row> limits(List<TrafficRun.Result> all) {
        return List.of(
                Row.atMost("api.minute", "max requests/bot in any sliding 60 s (all capacity and budget runs)",
                        all.stream().mapToInt(TrafficRun.Result::maxPerMinute).max().orElse(0), "req", 60),
                Row.atMost("api.hour", "max requests/bot in any sliding 3600 s",
                        all.stream().mapToInt(TrafficRun.Result::maxPerHour).max().orElse(0), "req", 1800),
                Row.atMost("api.throttled", "429 answers to the exporter",
                        all.stream().mapToLong(TrafficRun.Result::throttled).sum(), "req", 0));
    }

    /** Exact, within Kore.ai's limits, and never further behind than the late-record promise of §7.1. */
    static boolean keptUp(TrafficRun.Result r) {
        return r.problems().isEmpty() && r.withinLimits()
                && r.maxLagSeconds() <= r.setup().sweepInterval().plus(TrafficRun.INTERVAL).toSeconds();
    }

    /**
     * The highest sessions/min whose requests per hour stay within 1,800, by the rules the exporter follows (README,
     * "How it reads Kore.ai"): every cycle each stream reads at least a page; a stream with at most three pages in
     * its lookback re-reads it every cycle; a busier one re-reads the lookback plus a sweep interval once per sweep
     * interval and in between reads two intervals (records landing within an interval are counted next cycle);
     * sessions re-read their session horizon, the other streams their lookback.
     */
    static double bound(Profile p, boolean agentAi, Duration sweep) {
        double rate = 0;
        while (hourlyCost(rate + 1, p, agentAi, sweep) <= TrafficRun.KORE_LIMITS.perHour()) {
            rate++;
        }
        return rate;
    }

    static double hourlyCost(double rate, Profile p, boolean agentAi, Duration sweep) {
        double cost = sessionsCost(rate, sweep) + messagesCost(rate, p, sweep);
        if (agentAi) {
            cost += stream(rate, Endpoint.AACONVERSATION.pageSize(), TrafficRun.LOOKBACK, sweep);
        }
        return cost;
    }

    /** getSessions re-reading {@code poll.session-horizon} in pages of 1,000. */
    static double sessionsCost(double rate, Duration sweep) {
        return stream(rate, Endpoint.GET_SESSIONS.pageSize(), TrafficRun.HORIZON, sweep);
    }

    /**
     * 0.3.0's sessions stream: getSessions over the lookback in pages of 100, and every sweep the sessions still
     * active after a sweep's window looked up by id, 50 a call (by Little's law, rate x minutes followed of them).
     */
    static double sessionsCost030(double rate, Profile p, Duration sweep) {
        double sweeps = Math.min(60 / (TrafficRun.INTERVAL.toSeconds() / 60.0), 60 / (sweep.toSeconds() / 60.0));
        return stream(rate, SESSIONS_PAGE_030, TrafficRun.LOOKBACK, sweep)
                + sweeps * Math.ceil(rate * p.followMinutesPerSession() / LOOKUP_IDS_030);
    }

    static double messagesCost(double rate, Profile p, Duration sweep) {
        return stream(rate * p.messagesPerSession(), Endpoint.GET_MESSAGES_V2.pageSize(), TrafficRun.LOOKBACK, sweep);
    }

    private static double stream(double perMinute, int page, Duration reread, Duration sweep) {
        double interval = TrafficRun.INTERVAL.toSeconds() / 60.0;
        double sweepMinutes = sweep.toSeconds() / 60.0;
        double cycles = 60 / interval;
        return stream(perMinute, page, cycles, Math.min(cycles, 60 / sweepMinutes), interval,
                reread.toSeconds() / 60.0, sweepMinutes);
    }

    private static double stream(double perMinute, int page, double cycles, double sweeps, double interval,
                                 double lookback, double sweep) {
        if (perMinute * lookback <= 3 * page) {
            return cycles * Math.max(1, Math.ceil(perMinute * (lookback + interval) / page));
        }
        return sweeps * Math.ceil(perMinute * (lookback + sweep) / page)
                + (cycles - sweeps) * Math.max(1, Math.ceil(perMinute * 2 * interval / page));
    }

    /** Measured on three hours of the simulator's traffic (per session, so the rate does not matter). */
    static Profile profile(Duration sweep) {
        Duration hours = Duration.ofHours(3);
        ManualClock clock = new ManualClock(TrafficRun.T0.plus(hours));
        TrafficRun.Setup s = new TrafficRun.Setup(60, false, sweep, hours, Duration.ZERO);
        try (LabSimulator sim = LabSimulator.start(TrafficRun.options(s, clock, hours))) {
            String bot = sim.bots().getFirst().botId();
            List<TruthSession> sessions = sim.groundTruth().sessions(bot);
            double messages = sim.groundTruth().messages(bot).size();
            double window = TrafficRun.LOOKBACK.plus(sweep).toSeconds() / 60.0;
            double follow = 0;
            for (TruthSession t : sessions) {
                follow += Math.max(0, t.closureReportedAfterStart().toSeconds() / 60.0 - window);
            }
            return new Profile(messages / sessions.size(), follow / sessions.size());
        }
    }
}
