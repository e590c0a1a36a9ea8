package dev.koreexporter.bench;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.Quirks;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.RequestStats;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MemoryCheckpointStore;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.SpanRef;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One voice bot's traffic read by a real {@link BotPoller} and {@link KoreClient} against the in-process simulator,
 * at Kore.ai's rate limits, on a manual clock: cycles run {@code poll.interval} after the previous one ended (as
 * {@code PollScheduler} runs them) and the client's rate limiter waits by advancing the clock. Records when each
 * message and session was counted, so the run can be checked against the simulator's ground truth (exact: each
 * record counted once, none missing) and freshness measured from the moment Kore.ai first returns a record.
 */
final class TrafficRun {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final ExporterConfig.RateLimit KORE_LIMITS = new ExporterConfig.RateLimit(60, 1800);
    static final Duration INTERVAL = Duration.ofSeconds(30);
    static final Duration LOOKBACK = Duration.ofMinutes(20);
    /** {@code poll.session-horizon}, its default. */
    static final Duration HORIZON = Duration.ofHours(1);
    static final Duration BACKFILL = Duration.ofHours(1);
    static final long SEED = 20261202L;

    /**
     * @param rate          new sessions per minute
     * @param agentAi       whether every session also has an Agent AI conversation (the bot has an account id)
     * @param sweepInterval {@code poll.sweep-interval}
     * @param length        simulated time the exporter runs
     * @param warmUp        after this much of it, the run counts as steady (the first backfill is behind it)
     */
    record Setup(double rate, boolean agentAi, Duration sweepInterval, Duration length, Duration warmUp) {
        ExporterConfig.Poll poll() {
            return TestConfig.builder().set("poll.interval", INTERVAL).set("poll.lookback", LOOKBACK)
                    .set("poll.backfill", BACKFILL).set("poll.sweep-interval", sweepInterval)
                    .set("poll.session-horizon", HORIZON).poll();
        }

        int streams() {
            return agentAi ? 3 : 2;
        }
    }

    /**
     * What one run spent and how it kept up. Requests and cycles are those of the steady part; the sliding-window
     * maxima and 429s cover the whole run, first backfill included.
     *
     * @param problems what was not exact (empty when every record was counted exactly once)
     * @param onTime   seconds from "first returned" to "counted", for records that Kore.ai returned within an
     *                 interval of the time their window is read by (a message's {@code createdOn}, a closed session's
     *                 {@code start_time}: a session is listed by its start and counted once it shows closed)
     * @param late     the same for the records returned later
     */
    record Result(Setup setup, long requests, long cycles, Duration steady, Map<String, Long> byEndpoint,
                  int maxPerMinute, int maxPerHour, long throttled, double maxLagSeconds, List<String> problems,
                  double[] onTime, double[] late) {
        double requestsPerHour() {
            return requests * 3600.0 / steady.toSeconds();
        }

        /** The steady part's requests of one endpoint, per hour. */
        double perHour(String endpoint) {
            return byEndpoint.getOrDefault(endpoint, 0L) * 3600.0 / steady.toSeconds();
        }

        /** One page per stream per cycle. */
        double floorPerHour() {
            return (double) setup.streams() * cycles * 3600.0 / steady.toSeconds();
        }

        boolean withinLimits() {
            return maxPerMinute <= KORE_LIMITS.perMinute() && maxPerHour <= KORE_LIMITS.perHour() && throttled == 0;
        }
    }

    private TrafficRun() {
    }

    static SimBot bot(boolean agentAi) {
        return new SimBot("capacity-voice", "st-capacity-voice-0001", "cs-capacity-voice-0001",
                "capacity-voice-secret-0123456789abcdef", agentAi ? "acc-capacity-0001" : null, List.of("korevg"));
    }

    static SimulatorOptions options(Setup s, ManualClock clock, Duration history) {
        return SimulatorOptions.defaults().withPort(0).withSeed(SEED).withClock(clock).withBots(List.of(bot(s.agentAi())))
                .withHistory(history).withSessionsPerMinutePerBot(s.rate()).withMaxLateness(Duration.ofMinutes(15))
                .withRateLimits(KORE_LIMITS.perMinute(), KORE_LIMITS.perHour())
                .withQuirks(Quirks.DEFAULT.withAgentAiEverySession(true));
    }

    static Result run(Setup s) {
        ManualClock clock = new ManualClock(T0);
        ExporterConfig.Poll poll = s.poll();
        Recorder recorder = new Recorder(clock);
        try (LabSimulator sim = LabSimulator.start(options(s, clock, BACKFILL))) {
            SimBot simBot = sim.bots().getFirst();
            ExporterConfig.Bot bot = BenchSupport.configOf(simBot);
            ExporterConfig.Kore kore = TestConfig.builder().set("kore.base-url", sim.baseUrl())
                    .set("kore.timeout", Duration.ofSeconds(30))
                    .set("kore.rate-limit.per-minute", KORE_LIMITS.perMinute())
                    .set("kore.rate-limit.per-hour", KORE_LIMITS.perHour()).kore();
            PrometheusRegistry registry = new PrometheusRegistry();
            KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "bench", clock);
            Instant steadyAt = T0.plus(s.warmUp());
            Instant end = T0.plus(s.length());
            RequestStats.BotStats atSteady = null;
            Instant steadyFrom = null;
            long cycles = 0;
            double maxLag = 0;
            try (KoreClient client = KoreClient.builder(kore, bot, clock).listener(metrics.apiListener(bot.name()))
                    .sleeper(clock::advance).build()) {
                BotPoller poller = new BotPoller(bot, poll, Duration.ofHours(1), client, ReadOptions.DEFAULT, metrics,
                        recorder, new MemoryCheckpointStore(), clock);
                boolean caughtUp = true;
                while (clock.instant().isBefore(end)) {
                    if (caughtUp) {
                        clock.advance(poll.interval());
                    }
                    if (atSteady == null && !clock.instant().isBefore(steadyAt)) {
                        atSteady = sim.requestStats().bot(simBot.botId());
                        steadyFrom = clock.instant();
                    }
                    if (atSteady != null) {
                        maxLag = Math.max(maxLag, poller.watermarkLagSeconds(clock.instant()).orElse(0));
                        cycles++;
                    }
                    caughtUp = poller.runCycle();
                }
            }
            RequestStats.BotStats all = sim.requestStats().bot(simBot.botId());
            Map<String, Long> byEndpoint = new TreeMap<>();
            for (Map.Entry<String, Long> e : all.byEndpoint().entrySet()) {
                byEndpoint.put(e.getKey(), e.getValue() - atSteady.byEndpoint().getOrDefault(e.getKey(), 0L));
            }
            List<Double> onTime = new ArrayList<>();
            List<Double> late = new ArrayList<>();
            List<String> problems = check(sim, simBot, s, recorder, MetricsText.of(registry), steadyFrom,
                    onTime, late);
            return new Result(s, all.total() - atSteady.total(), cycles, Duration.between(steadyFrom, clock.instant()),
                    byEndpoint, all.maxPerMinute(), all.maxPerHour(), all.throttled(), maxLag, problems,
                    onTime.stream().mapToDouble(Double::doubleValue).sorted().toArray(),
                    late.stream().mapToDouble(Double::doubleValue).sorted().toArray());
        }
    }

    /**
     * Compares what was counted with ground truth. Every record Kore.ai returned at least a lookback and a sweep
     * interval before the end must be counted (README, "How it reads Kore.ai"); none counted twice, none that a
     * correct reader leaves out. A session counts when it is reported closed within {@code poll.session-horizon}
     * after its start; one reported later may still be counted up to a re-read later (a sweep interval and two cycles),
     * never after that. Freshness is taken from those records that became visible in the steady part.
     */
    private static List<String> check(LabSimulator sim, SimBot bot, Setup s, Recorder recorder, MetricsText metrics,
                                      Instant steadyFrom, List<Double> onTime, List<Double> late) {
        Instant now = sim.groundTruth().now();
        Instant settled = now.minus(LOOKBACK).minus(s.sweepInterval());
        List<String> problems = new ArrayList<>();
        if (recorder.duplicates > 0) {
            problems.add(recorder.duplicates + " records counted twice");
        }
        // Messages are read by createdOn; sessions listed by start_time and counted once they show closed.
        List<Truth> truth = new ArrayList<>();
        sim.groundTruth().messages(bot.botId()).forEach(m -> truth.add(new Truth(m.message().id(), m.counted(false),
                false, m.message().createdOn(), m.visibleAt())));
        Duration horizon = s.poll().sessionHorizon();
        Duration edge = horizon.plus(s.sweepInterval()).plus(INTERVAL.multipliedBy(2));
        sim.groundTruth().sessions(bot.botId()).forEach(t -> {
            boolean closed = t.session().closed() && t.counted(false);
            truth.add(new Truth(t.session().id(), closed && t.closureReportedWithin(horizon),
                    closed && !t.closureReportedWithin(horizon) && t.closureReportedWithin(edge), t.session().start(),
                    t.visibleClosedAt()));
        });
        Map<String, Instant> counted = new HashMap<>(recorder.messages);
        counted.putAll(recorder.sessions);
        long missing = 0;
        for (Truth t : truth) {
            Instant at = counted.remove(t.id());
            if (t.mayCount()) {
                continue;
            }
            if (!t.countable()) {
                if (at != null) {
                    problems.add("counted a record a correct reader leaves out: " + t.id());
                }
            } else if (at == null) {
                missing += t.visible().isAfter(settled) ? 0 : 1;
            } else {
                freshness(t.time(), t.visible(), at, steadyFrom, settled, onTime, late);
            }
        }
        if (!counted.isEmpty()) {
            problems.add(counted.size() + " records counted that Kore.ai does not have");
        }
        if (missing > 0) {
            problems.add(missing + " records Kore.ai returned before " + settled + " never counted");
        }
        if (s.agentAi()) {
            long early = sim.groundTruth().conversations(bot.botId(), Instant.EPOCH, now, settled).stream()
                    .filter(c -> c.valid()).count();
            long all = sim.groundTruth().conversations(bot.botId()).stream().filter(c -> c.valid()).count();
            double conversations = metrics.sum("kore_agentai_conversations_total");
            if (conversations < early || conversations > all) {
                problems.add("Agent AI conversations counted " + conversations + ", ground truth " + early + ".." + all);
            }
        }
        return problems;
    }

    private static void freshness(Instant time, Instant visible, Instant counted, Instant steadyFrom, Instant settled,
                                  List<Double> onTime, List<Double> late) {
        if (visible.isBefore(steadyFrom) || visible.isAfter(settled)) {
            return;
        }
        double seconds = Math.max(0, Duration.between(visible, counted).toMillis() / 1000.0);
        (Duration.between(time, visible).compareTo(INTERVAL) <= 0 ? onTime : late).add(seconds);
    }

    /** The value below which {@code q} of the sorted {@code values} lie (nearest rank); NaN when empty. */
    static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        return values[Math.min(values.length - 1, (int) Math.ceil(q * values.length) - 1)];
    }

    /**
     * A message or closed session as ground truth has it: its id, whether it must count or may count (a session
     * reported closed just after the horizon), its time and when it shows.
     */
    private record Truth(String id, boolean countable, boolean mayCount, Instant time, Instant visible) {
    }

    /** When each message and closed session was counted: the tracer is called once per counted record. */
    private static final class Recorder implements TurnTracer {
        private final ManualClock clock;
        final Map<String, Instant> messages = new HashMap<>();
        final Map<String, Instant> sessions = new HashMap<>();
        long duplicates;

        Recorder(ManualClock clock) {
            this.clock = clock;
        }

        @Override
        public void incoming(ExporterConfig.Bot bot, Message message) {
            duplicates += messages.putIfAbsent(message.id(), clock.instant()) == null ? 0 : 1;
        }

        @Override
        public SpanRef turn(ExporterConfig.Bot bot, Message turn) {
            return null;
        }

        @Override
        public void sessionClosed(ExporterConfig.Bot bot, Session session) {
            duplicates += sessions.putIfAbsent(session.id(), clock.instant()) == null ? 0 : 1;
        }
    }
}
