package dev.koreexporter.ingest;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.poll.FileCheckpointStore;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real pollers and clients against the in-process simulator on a shared manual clock: cycles run in the
 * test thread, so a simulated hour takes seconds and every step is deterministic.
 */
final class IngestHarness implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMinutes(1);
    static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", INTERVAL)
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    final ManualClock clock;
    final LabSimulator sim;
    final Path stateDir;
    final List<ExporterConfig.Bot> bots;
    final ReadOptions options;
    final ExporterConfig.Poll poll;
    private final List<Run> runs = new ArrayList<>();

    IngestHarness(ManualClock clock, LabSimulator sim, Path stateDir, List<ExporterConfig.Bot> bots) {
        this(clock, sim, stateDir, bots, ReadOptions.DEFAULT);
    }

    IngestHarness(ManualClock clock, LabSimulator sim, Path stateDir, List<ExporterConfig.Bot> bots,
                  ReadOptions options) {
        this(clock, sim, stateDir, bots, options, POLL);
    }

    IngestHarness(ManualClock clock, LabSimulator sim, Path stateDir, List<ExporterConfig.Bot> bots,
                  ReadOptions options, ExporterConfig.Poll poll) {
        this.poll = poll;
        this.clock = clock;
        this.sim = sim;
        this.stateDir = stateDir;
        this.bots = bots;
        this.options = options;
    }

    static ExporterConfig.Bot configOf(SimBot b) {
        return TestConfig.builder().bot(b.name(), b.botId(), b.clientId(), b.clientSecret())
                .set("bots[0].account-id", b.accountId()).set("bots[0].channels", b.channels()).bot();
    }

    /** One process lifetime: its own registry, clients and pollers over the shared state dir. */
    final class Run {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final List<BotPoller> pollers = new ArrayList<>();
        final List<KoreClient> clients = new ArrayList<>();

        Run() {
            ExporterConfig.Kore kore = TestConfig.builder().set("kore.base-url", sim.baseUrl())
                    .set("kore.timeout", Duration.ofSeconds(10)).set("kore.rate-limit.per-minute", 1_000_000)
                    .set("kore.rate-limit.per-hour", 10_000_000).kore();
            KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", clock);
            FileCheckpointStore store = new FileCheckpointStore(stateDir);
            for (ExporterConfig.Bot bot : bots) {
                KoreClient client = KoreClient.builder(kore, bot, clock).listener(metrics.apiListener(bot.name()))
                        .build();
                clients.add(client);
                metrics.registerApiBudget(bot.name(), client::budgetUsed);
                pollers.add(new BotPoller(bot, poll, Duration.ofHours(1), client, options, metrics, TurnTracer.NONE,
                        store, clock));
            }
        }

        MetricsText metrics() {
            return MetricsText.of(registry);
        }

        /** Cycles every bot once per interval until the clock reaches {@code end}. */
        void cyclesUntil(Instant end) {
            while (clock.instant().isBefore(end)) {
                clock.advance(poll.interval());
                pollers.forEach(BotPoller::runCycle);
            }
        }

        void stopGracefully() {
            pollers.forEach(BotPoller::stopAndCheckpoint);
            clients.forEach(KoreClient::close);
        }

        void abandon() {
            clients.forEach(KoreClient::close);
        }
    }

    /**
     * When a reader has seen the closure of every session started by {@code startedBy}: its last closure report
     * (Kore.ai closes sessions by an inactivity timeout long after they end) plus the sweep interval and a cycle,
     * the delay README "How it reads Kore.ai" allows for a session active longer than the lookback. Never before
     * {@code notBefore}.
     */
    Instant everyClosureRead(Instant startedBy, Instant notBefore) {
        Instant read = sim.groundTruth().lastClosureReported(startedBy).plus(poll.sweepInterval()).plus(poll.interval());
        return read.isAfter(notBefore) ? read : notBefore;
    }

    Run start() {
        Run run = new Run();
        runs.add(run);
        return run;
    }

    /** Every run's series added up, as Prometheus's increase() across the restarts sees them. */
    Map<String, Double> totals() {
        return MetricsText.increase(runs.stream().map(Run::metrics).toList()).series();
    }

    @Override
    public void close() {
        runs.forEach(Run::abandon);
        sim.close();
    }
}
