package dev.koreexporter.reliability;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.kore.Sleeper;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.poll.BotSlot;
import dev.koreexporter.poll.BotStatus;
import dev.koreexporter.poll.FileCheckpointStore;
import dev.koreexporter.poll.Poller;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.RequestStats;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real pollers and clients against the in-process simulator on one shared manual clock, with the
 * simulator's real rate limits: every wait the client would sleep (backoff, Retry-After, rate limiter)
 * advances the clock instead, so the simulator sees the exact timing a real client would produce and a
 * simulated hour takes seconds. Cycles run in the test thread.
 */
final class FaultHarness implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    static final Duration INTERVAL = Duration.ofMinutes(1);
    /**
     * The fault suite's polling. Its session horizon is longer than any simulated session takes to be reported closed
     * (under 2 h), so every closed session counts whatever the faults delay; the horizon's own tests set theirs
     * ({@link #poll}).
     */
    static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", INTERVAL)
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1))
            .set("poll.session-horizon", Duration.ofHours(2)).poll();
    /** The first start's floor: older records are never counted. */
    static final Instant FLOOR = T0.minus(POLL.backfill());

    final ManualClock clock = new ManualClock(T0);
    final LabSimulator sim;
    final Path stateDir;
    final ExporterConfig.Kore kore;
    /** The bots the pollers of runs started from now on poll (default: the simulator's, secrets inline). */
    List<ExporterConfig.Bot> bots;
    /** What the pollers of runs started from now on read and count (default: {@link ReadOptions#DEFAULT}). */
    ReadOptions options = ReadOptions.DEFAULT;
    /** How the pollers of runs started from now on poll (interval and backfill stay {@link #POLL}'s). */
    ExporterConfig.Poll poll = POLL;
    private final List<Run> runs = new ArrayList<>();

    /** Simulator and exporter both at Kore.ai's limits (60/min, 1800/h), pages small enough to need many calls. */
    static SimulatorOptions defaultSim(int bots) {
        return SimulatorOptions.defaults().withPort(0).withSeed(20261121)
                .withBots(SimulatorOptions.DEMO_BOTS.subList(0, bots))
                .withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(1.0)
                .withMaxLateness(Duration.ofMinutes(15))
                .withPageCaps(10, 100, 1000, 60, 5);
    }

    FaultHarness(Path stateDir, SimulatorOptions simOptions, Duration timeout) {
        this(stateDir, simOptions, timeout, (keys, sim) -> keys);
    }

    /**
     * @param koreKeys sets further {@code kore.*} keys (with the simulator started): by default the exporter's rate
     *                 limits are the simulator's, its base URL the simulator's
     */
    FaultHarness(Path stateDir, SimulatorOptions simOptions, Duration timeout,
                 BiFunction<TestConfig, LabSimulator, TestConfig> koreKeys) {
        this.sim = LabSimulator.start(simOptions.withClock(clock));
        this.stateDir = stateDir;
        this.kore = koreKeys.apply(TestConfig.builder().set("kore.base-url", sim.baseUrl()).set("kore.timeout", timeout)
                .set("kore.rate-limit.per-minute", simOptions.perMinute())
                .set("kore.rate-limit.per-hour", simOptions.perHour()), sim).kore();
        this.bots = sim.bots().stream().map(FaultHarness::configOf).toList();
    }

    FaultHarness(Path stateDir, SimulatorOptions simOptions) {
        this(stateDir, simOptions, Duration.ofSeconds(10));
    }

    static ExporterConfig.Bot configOf(SimBot b) {
        return TestConfig.builder().bot(b.name(), b.botId(), b.clientId(), b.clientSecret())
                .set("bots[0].account-id", b.accountId()).set("bots[0].channels", b.channels()).bot();
    }

    /** Waits spent on the manual clock: the simulator measures rate-limit windows on the same clock. */
    Sleeper clockSleeper() {
        return clock::advance;
    }

    /**
     * One process lifetime: its own registry, clients and pollers over the shared state dir; with
     * {@code slots}, each poller sits in a {@link BotSlot} as in the daemon (checkpoint lock, standby, stop).
     */
    final class Run {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final List<Poller> pollers = new ArrayList<>();
        final List<KoreClient> clients = new ArrayList<>();

        Run(Path dir, boolean slots) {
            this(dir, clock, slots);
        }

        /** @param local the exporter's clock (the simulator keeps the shared one: it is Kore.ai's) */
        Run(Path dir, Clock local, boolean slots) {
            KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", local);
            FileCheckpointStore store = new FileCheckpointStore(dir);
            for (ExporterConfig.Bot bot : bots) {
                KoreClient client = KoreClient.builder(kore, bot, local).listener(metrics.apiListener(bot.name()))
                        .sleeper(clockSleeper()).build();
                clients.add(client);
                Supplier<BotPoller> poller = () -> {
                    BotPoller p = new BotPoller(bot, poll, Duration.ofHours(1), client, options, metrics,
                            TurnTracer.NONE, store, local);
                    metrics.registerApiBudget(bot.name(), client::budgetUsed);
                    return p;
                };
                pollers.add(slots ? new BotSlot(bot.name(), store, metrics, poller) : poller.get());
            }
        }

        MetricsText metrics() {
            return MetricsText.of(registry);
        }

        double up(String bot) {
            return metrics().value("kore_exporter_up", "bot", bot);
        }

        BotStatus status(String bot) {
            return pollers.stream().filter(p -> p.bot().equals(bot)).findFirst().orElseThrow().status();
        }

        /** One interval later, every bot cycles once. */
        void cycle() {
            clock.advance(INTERVAL);
            pollers.forEach(Poller::runCycle);
        }

        void cyclesUntil(Instant end) {
            while (clock.instant().isBefore(end)) {
                cycle();
            }
        }

        void cycles(Duration d) {
            cyclesUntil(clock.instant().plus(d));
        }

        /** One more round of every bot at the current instant, returned. */
        Instant round() {
            pollers.forEach(Poller::runCycle);
            return clock.instant();
        }

        void stopGracefully() {
            pollers.forEach(Poller::stopAndCheckpoint);
            clients.forEach(KoreClient::close);
        }

        void abandon() {
            clients.forEach(KoreClient::close);
        }
    }

    Run start() {
        return start(stateDir);
    }

    Run start(Path dir) {
        return add(new Run(dir, false));
    }

    /** A run whose pollers sit in {@link BotSlot}s, as in the daemon. */
    Run startSlots() {
        return add(new Run(stateDir, true));
    }

    private Run add(Run run) {
        runs.add(run);
        return run;
    }

    /** A run whose exporter reads time from {@code local}, not from Kore.ai's clock. */
    Run start(Clock local) {
        Run run = new Run(stateDir, local, false);
        runs.add(run);
        return run;
    }

    /** Every run's series added up, as Prometheus's increase() across the restarts sees them. */
    Map<String, Double> totals() {
        return MetricsText.increase(runs.stream().map(Run::metrics).toList()).series();
    }

    /** The simulator never saw more than its limits from any bot in any sliding minute or hour. */
    void assertWithinRateLimits() {
        for (SimBot b : sim.bots()) {
            RequestStats.BotStats s = sim.requestStats().bot(b.botId());
            assertTrue(s.maxPerMinute() <= sim.options().perMinute(),
                    b.name() + " sent " + s.maxPerMinute() + " requests in one minute");
            assertTrue(s.maxPerHour() <= sim.options().perHour(),
                    b.name() + " sent " + s.maxPerHour() + " requests in one hour");
        }
    }

    /**
     * Stops new traffic and cycles until ground truth is still: sessions already running end (at most an
     * hour), Kore.ai closes them by its inactivity timeout and reports it (the exporter sees a session active
     * longer than the lookback close at its next by-id lookup, within a sweep interval), and their records land
     * (at most 15 minutes late). Then one more round; ground truth as of the returned instant is what must have
     * been exported.
     */
    Instant finish(Run run) {
        Instant paused = clock.instant();
        sim.pauseTraffic();
        run.cycles(Duration.ofMinutes(80));
        run.cyclesUntil(sim.groundTruth().lastClosureReported(paused).plus(poll.sweepInterval()).plus(INTERVAL));
        return run.round();
    }

    @Override
    public void close() {
        runs.forEach(Run::abandon);
        sim.close();
    }
}
