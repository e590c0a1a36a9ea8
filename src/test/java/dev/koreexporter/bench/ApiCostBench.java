package dev.koreexporter.bench;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.kore.Sleeper;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.simulator.KoreSimulator;
import dev.koreexporter.simulator.ManualClock;
import dev.koreexporter.simulator.RequestStats;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.testing.MemoryCheckpointStore;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Requests the exporter spends on a simulated day of traffic, against the naive strategy of public scripts
 * (list the sessions, then one messages listing per session, over the session's own window) reading the
 * same day. The client reads getMessagesV2 only for now (getMessages v1 returns with its fallback); a
 * session's messages fit one page of either, so the count is the same. Both run against the in-process simulator on a manual clock; the simulator counts every request it receives.
 */
final class ApiCostBench {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final Duration HISTORY = Duration.ofHours(1);
    static final long SEED = 20260302L;
    static final ExporterConfig.RateLimit KORE_LIMITS = new ExporterConfig.RateLimit(60, 1800);

    /**
     * @param day       simulated time the exporter watches live (and the naive script reads afterwards)
     * @param bots      how many of the demo bots
     * @param rate      new sessions per minute per bot
     * @param warmUp    cycles after this much simulated time count as steady state
     */
    record Scenario(Duration day, int bots, double rate, Duration warmUp) {
    }

    /** What the exporter spent. */
    record ExporterRun(long requests, double meanPerBotCycle, long maxPerBotCycle, int maxPerMinute, int maxPerHour,
                       long maxMessagesPerWindow, long throttled, Map<String, Long> byEndpoint) {
    }

    private ApiCostBench() {
    }

    static List<Row> run(Scenario normal, Scenario busy) {
        ExporterRun exporter = exporter(normal);
        long naive = naive(normal);
        ExporterRun heavy = exporter(busy);
        long naiveBusy = naive(busy);
        System.out.println("   exporter requests by endpoint: " + exporter.byEndpoint() + "; busy: " + heavy.byEndpoint());
        String day = normal.day().toMinutes() + " min, " + normal.bots() + " bots, " + (int) normal.rate() + " sessions/min/bot";
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info("api.exporter", "API requests, exporter (" + day + ")", exporter.requests(), "req"));
        rows.add(Row.info("api.naive", "API requests, naive sessions+v1 per session (same day)", naive, "req"));
        rows.add(Row.atMost("api.ratio", "API cost exporter / naive", (double) exporter.requests() / naive, "ratio",
                1.0 / 50));
        rows.add(Row.atMost("api.ratio.busy", "API cost exporter / naive, busy (" + busy.day().toMinutes() + " min, "
                + busy.bots() + " bot, " + (int) busy.rate() + " sessions/min)", (double) heavy.requests() / naiveBusy,
                "ratio", 1.0 / 50));
        long withoutAgentAi = exporter.requests() - exporter.byEndpoint().getOrDefault("aaconversation", 0L);
        rows.add(Row.info("api.ratio.noaa", "API cost exporter / naive, leaving out Agent AI (naive reads none)",
                (double) withoutAgentAi / naive, "ratio"));
        rows.add(Row.atMost("api.cycle", "requests/bot/cycle, steady, mean (" + exporter.maxMessagesPerWindow()
                + " msgs/window max)", exporter.meanPerBotCycle(), "req", 5));
        rows.add(Row.atMost("api.cycle.max", "requests/bot/cycle, steady, max", exporter.maxPerBotCycle(), "req", 5));
        rows.add(Row.atMost("api.cycle.busy.mean", "requests/bot/cycle, steady, mean (" + heavy.maxMessagesPerWindow()
                + " msgs/window max, " + (int) busy.rate() + " sessions/min)", heavy.meanPerBotCycle(), "req", 5));
        rows.add(Row.atMost("api.cycle.busy", "requests/bot/cycle, steady, max (" + heavy.maxMessagesPerWindow()
                + " msgs/window max)", heavy.maxPerBotCycle(), "req", 5));
        int perMinute = Math.max(exporter.maxPerMinute(), heavy.maxPerMinute());
        int perHour = Math.max(exporter.maxPerHour(), heavy.maxPerHour());
        rows.add(Row.atMost("api.minute", "max requests/bot in any sliding 60 s", perMinute, "req", 60));
        rows.add(Row.atMost("api.hour", "max requests/bot in any sliding 3600 s", perHour, "req", 1800));
        rows.add(Row.atMost("api.throttled", "429 answers to the exporter", exporter.throttled() + heavy.throttled(),
                "req", 0));
        return rows;
    }

    static SimulatorOptions options(Scenario s, ManualClock clock, Duration history) {
        List<SimBot> bots = SimulatorOptions.DEMO_BOTS.subList(0, s.bots());
        return SimulatorOptions.defaults().withPort(0).withSeed(SEED).withClock(clock).withBots(bots)
                .withHistory(history).withSessionsPerMinutePerBot(s.rate())
                .withMaxLateness(Duration.ofMinutes(15)).withRateLimits(KORE_LIMITS.perMinute(), KORE_LIMITS.perHour());
    }

    static ExporterRun exporter(Scenario s) {
        ManualClock clock = new ManualClock(T0);
        ExporterConfig.Poll poll = new ExporterConfig.Poll(Duration.ofSeconds(30), Duration.ofMinutes(20), HISTORY);
        try (KoreSimulator sim = KoreSimulator.start(options(s, clock, HISTORY))) {
            ExporterConfig.Kore kore = new ExporterConfig.Kore(sim.baseUrl(), Duration.ofSeconds(30), KORE_LIMITS, null);
            KoreMetrics metrics = new KoreMetrics(new PrometheusRegistry(), Map.of(), "bench", clock);
            MemoryCheckpointStore store = new MemoryCheckpointStore();
            Sleeper simulated = clock::advance;
            List<BotPoller> pollers = new ArrayList<>();
            List<KoreClient> clients = new ArrayList<>();
            List<WindowCounter> counters = new ArrayList<>();
            for (SimBot b : sim.bots()) {
                ExporterConfig.Bot bot = BenchSupport.configOf(b);
                KoreClient client = KoreClient.create(kore, bot, clock, metrics.apiListener(bot.name()), false, simulated);
                WindowCounter counter = new WindowCounter(client);
                clients.add(client);
                counters.add(counter);
                pollers.add(new BotPoller(bot, poll, Duration.ofHours(1), counter, metrics, TurnTracer.NONE, store, clock));
            }
            Instant steady = T0.plus(s.warmUp());
            Instant end = T0.plus(s.day());
            long steadyRequests = 0;
            long steadyCycles = 0;
            long maxCycle = 0;
            long maxWindow = 0;
            while (clock.instant().isBefore(end)) {
                clock.advance(poll.interval());
                for (int i = 0; i < pollers.size(); i++) {
                    String botId = sim.bots().get(i).botId();
                    long before = sim.requestStats().bot(botId).total();
                    counters.get(i).messages = 0;
                    pollers.get(i).runCycle();
                    long spent = sim.requestStats().bot(botId).total() - before;
                    if (!clock.instant().isBefore(steady)) {
                        steadyRequests += spent;
                        steadyCycles++;
                        maxCycle = Math.max(maxCycle, spent);
                        maxWindow = Math.max(maxWindow, counters.get(i).messages);
                    }
                }
            }
            clients.forEach(KoreClient::close);
            long total = 0;
            long throttled = 0;
            Map<String, Long> byEndpoint = new java.util.TreeMap<>();
            int perMinute = 0;
            int perHour = 0;
            for (RequestStats.BotStats st : sim.requestStats().all().values()) {
                total += st.total();
                st.byEndpoint().forEach((e, n) -> byEndpoint.merge(e, n, Long::sum));
                throttled += st.throttled();
                perMinute = Math.max(perMinute, st.maxPerMinute());
                perHour = Math.max(perHour, st.maxPerHour());
            }
            return new ExporterRun(total, (double) steadyRequests / Math.max(1, steadyCycles), maxCycle, perMinute,
                    perHour, maxWindow, throttled, byEndpoint);
        }
    }

    /**
     * The same day read after the fact the way public scripts do it. The simulator starts later with a longer
     * history so that its traffic origin, hence every record, is the same as in the exporter's run.
     */
    static long naive(Scenario s) {
        Duration after = s.day().plus(Duration.ofMinutes(30));
        ManualClock clock = new ManualClock(T0.plus(after));
        try (KoreSimulator sim = KoreSimulator.start(options(s, clock, HISTORY.plus(after)))) {
            ExporterConfig.Kore kore = new ExporterConfig.Kore(sim.baseUrl(), Duration.ofSeconds(30), KORE_LIMITS, null);
            TimeWindow day = new TimeWindow(T0, T0.plus(s.day()));
            for (SimBot b : sim.bots()) {
                ExporterConfig.Bot bot = BenchSupport.configOf(b);
                try (KoreClient client = KoreClient.create(kore, bot, clock, ApiRequestListener.NONE, false,
                        clock::advance)) {
                    List<Session> sessions = new ArrayList<>();
                    client.sessions(day).forEach(p -> sessions.addAll(p.records()));
                    for (Session session : sessions) {
                        Instant to = session.end() == null ? day.to() : session.end();
                        String channel = session.channel() == null ? bot.channels().get(0) : session.channel();
                        for (Page<Message> ignored : client.messages(channel,
                                new TimeWindow(session.start(), to.isAfter(session.start()) ? to : session.start()))) {
                            // Reading every page is the cost being measured.
                        }
                    }
                }
            }
            return sim.requestStats().all().values().stream().mapToLong(RequestStats.BotStats::total).sum();
        }
    }

    /** Passes calls through, counting the messages the current cycle's windows returned. */
    private static final class WindowCounter implements KoreApi {
        private final KoreApi api;
        long messages;

        WindowCounter(KoreApi api) {
            this.api = api;
        }

        @Override
        public Iterable<Page<Session>> sessions(TimeWindow window) {
            return api.sessions(window);
        }

        @Override
        public Iterable<SessionLookup> sessionsById(java.util.Collection<String> ids) {
            return api.sessionsById(ids);
        }

        @Override
        public Iterable<Page<Message>> messagesV1(String channel, TimeWindow window) {
            return api.messagesV1(channel, window);
        }

        @Override
        public Iterable<Page<Message>> messages(String channel, TimeWindow window) {
            Iterable<Page<Message>> pages = api.messages(channel, window);
            return () -> {
                var it = pages.iterator();
                return new java.util.Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Page<Message> next() {
                        Page<Message> p = it.next();
                        messages += p.records().size();
                        return p;
                    }
                };
            };
        }



        @Override
        public Iterable<Page<dev.koreexporter.model.AgentAiConversation>> agentAiConversations(TimeWindow window) {
            return api.agentAiConversations(window);
        }
    }
}
