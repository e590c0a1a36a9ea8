package dev.koreexporter.reliability;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.http.HealthService;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Query;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.poll.FileCheckpointStore;
import dev.koreexporter.poll.PollScheduler;
import dev.koreexporter.poll.Poller;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.helidon.webserver.WebServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An unwritable state dir, and responses slower than the poll interval under the real scheduler. */
class FaultSuiteStateAndSchedulingIT {
    @TempDir
    Path tmp;

    @Test
    void anUnwritableStateDirMakesTheBotUnreadyButCountingGoesOnUntilItIsFixed() throws Exception {
        // Root ignores permissions, so the state dir is put under a regular file: creating it fails for anyone.
        Path blocker = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Path stateDir = blocker.resolve("state");
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(1))) {
            String bot = h.sim.bots().getFirst().name();
            FaultHarness.Run run = h.start();
            WebServer server = WebServer.builder().port(0).host("127.0.0.1")
                    .routing(r -> r.register("/health", new HealthService(
                            () -> run.pollers.stream().map(Poller::status).toList())))
                    .build().start();
            try {
                run.cycles(Duration.ofMinutes(5));
                MetricsText m = run.metrics();
                assertTrue(m.value("kore_exporter_checkpoint_errors_total", "bot", bot) > 0);
                assertFalse(run.status(bot).checkpointOk());
                // Up 0 since 0.4.0 (docs/reliability.md): what it counts is not shown until a checkpoint holds it.
                assertEquals(0, m.value("kore_exporter_up", "bot", bot), "up 0 while its checkpoint cannot be written");
                assertTrue(run.status(bot).lastError().contains("checkpoint not written"), run.status(bot).lastError());
                // It counts, but shows nothing a restart could take back (README "Reliability and security").
                assertEquals(0, m.sum("kore_messages_total", "bot", bot), "not shown before a checkpoint holds it");
                assertEquals(503, get(server, "/health/ready"));
                assertEquals(200, get(server, "/health/live"));

                Files.delete(blocker);
                run.cycles(Duration.ofMinutes(2));
                assertTrue(run.status(bot).checkpointOk());
                assertEquals(1, run.metrics().value("kore_exporter_up", "bot", bot), "up again once written");
                assertTrue(Files.exists(stateDir.resolve(bot + ".checkpoint.json")), "checkpoints written again");
                assertTrue(run.metrics().sum("kore_messages_total", "bot", bot) > 0, "shown once written");
                assertEquals(200, get(server, "/health/ready"));
                Instant asOf = h.finish(run);
                GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, run.metrics().series());
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void responsesSlowerThanThePollIntervalNeverMakeCyclesOverlap() {
        try (LabSimulator sim = LabSimulator.start(FaultHarness.defaultSim(1).withHistory(Duration.ofMinutes(10))
                .withRateLimits(100_000, 1_000_000))) {
            SimBot simBot = sim.bots().getFirst();
            ExporterConfig.Bot bot = FaultHarness.configOf(simBot);
            Clock clock = Clock.systemUTC();
            PrometheusRegistry registry = new PrometheusRegistry();
            KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", clock);
            ExporterConfig.Kore kore = TestConfig.builder().set("kore.base-url", sim.baseUrl())
                    .set("kore.timeout", Duration.ofSeconds(5)).set("kore.rate-limit.per-minute", 100_000)
                    .set("kore.rate-limit.per-hour", 1_000_000).kore();
            ExporterConfig.Poll poll = TestConfig.builder().set("poll.interval", Duration.ofMillis(50))
                    .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();
            // Every call takes 300 ms, so one cycle (several calls) lasts far longer than the 50 ms interval.
            sim.faults().set(Fault.slow(Duration.ofMillis(300)));
            try (KoreClient client = KoreClient.builder(kore, bot, clock).listener(metrics.apiListener(bot.name()))
                    .build()) {
                ConcurrencyProbe probe = new ConcurrencyProbe(client);
                BotPoller poller = new BotPoller(bot, poll, Duration.ofHours(1), probe, ReadOptions.DEFAULT, metrics,
                        TurnTracer.NONE, new FileCheckpointStore(tmp.resolve("state")), clock);
                try (PollScheduler scheduler = new PollScheduler(List.of(poller), poll.interval())) {
                    scheduler.start();
                    await().atMost(Duration.ofSeconds(30)).until(() -> poller.status().cyclesCompleted() >= 3);
                }
                assertEquals(1, probe.maxInFlight.get(), "calls of one bot never ran concurrently");
                assertTrue(poller.status().lastCycleOk(), poller.status().lastError());
            }
        }
    }

    private static int get(WebServer server, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    /** Counts the bot's API calls in flight at once; page fetches happen inside the iterators. */
    private static final class ConcurrencyProbe implements KoreApi {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        private final KoreApi api;

        ConcurrencyProbe(KoreApi api) {
            this.api = api;
        }

        private <T> T call(Supplier<T> s) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                return s.get();
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private <T> Iterable<T> probed(Iterable<T> pages) {
            return () -> {
                Iterator<T> it = call(pages::iterator);
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return call(it::hasNext);
                    }

                    @Override
                    public T next() {
                        return call(it::next);
                    }
                };
            };
        }

        @Override
        public <T extends KoreRecord> Iterable<Page<T>> pages(Listing<T> listing, Query query) {
            return probed(api.pages(listing, query));
        }
    }
}
