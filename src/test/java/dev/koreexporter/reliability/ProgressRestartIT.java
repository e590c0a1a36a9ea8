package dev.koreexporter.reliability;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.kore.Query;
import dev.koreexporter.kore.ReadPosition;
import dev.koreexporter.kore.RequestLog;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.poll.FileCheckpointStore;
import dev.koreexporter.poll.FileRequestLog;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.lab.RequestStats;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TappedKoreApi;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress survives restarts (README "How it reads Kore.ai", docs/reliability.md): a first backfill of many pages is
 * killed three times, once inside each kind of stream (getSessions, getMessagesV2, Agent AI), each time just after
 * an answer arrived and before its page was counted, as a kill -9 or a liveness probe would. Each restarted process
 * goes on with the read under way from the last page counted: the pages of that read over both runs are the pages of
 * the same read uninterrupted (a reference run on a simulator of the same seed), plus none; and the counts continue
 * across the kills, never going down, so that at the end the last process's alone equal the simulator's ground
 * truth: the page in hand at each kill neither lost nor counted twice.
 */
class ProgressRestartIT {
    @TempDir
    Path stateDir;

    /** Thrown out of the client's listener: the process "dies" with an answer in hand, its page not counted. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /** One read of a window: its endpoint, channel, window, where it began and the pages it handed out. */
    private static final class Read {
        final Endpoint endpoint;
        final String channel;
        final TimeWindow window;
        final ReadPosition from;
        int pages;

        Read(Endpoint endpoint, Query query, ReadPosition from) {
            this.endpoint = endpoint;
            this.channel = query.channel();
            this.window = query.window();
            this.from = from;
        }
    }

    /** The bot's client, recording every read of a window and the pages it handed out. */
    private static KoreApi recording(KoreApi client, List<Read> reads) {
        return new TappedKoreApi(client, (listing, query, from) -> {
            if (query.window() == null) {
                return null;
            }
            Read read = new Read(listing.endpoint(), query, from);
            reads.add(read);
            return page -> read.pages++;
        });
    }

    /** One process lifetime of the harness's one bot, killed at its {@code killAt}-th answer from {@code killOn}. */
    private static final class Run {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final List<Read> reads = new ArrayList<>();
        final BotPoller poller;
        final KoreClient client;
        int answered;

        Run(FaultHarness h, Endpoint killOn, int killAt) {
            this(h, killOn, killAt, RequestLog.NONE);
        }

        Run(FaultHarness h, Endpoint killOn, int killAt, RequestLog requests) {
            ExporterConfig.Bot bot = h.bots.getFirst();
            KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", h.clock);
            ApiRequestListener counted = metrics.apiListener(bot.name());
            client = KoreClient.builder(h.kore, bot, h.clock).sleeper(h.clockSleeper()).requestLog(requests)
                    .listener((endpoint, code, took) -> {
                        counted.requestCompleted(endpoint, code, took);
                        if ((killOn == null ? killAt > 0 : endpoint == killOn) && code.equals("200")
                                && ++answered == killAt) {
                            throw new Killed();
                        }
                    }).build();
            poller = new BotPoller(bot, FaultHarness.POLL, Duration.ofHours(1), recording(client, reads),
                    ReadOptions.DEFAULT, metrics, TurnTracer.NONE, new FileCheckpointStore(h.stateDir), h.clock);
        }

        MetricsText metrics() {
            return MetricsText.of(registry);
        }

        Read first(Endpoint endpoint, String channel) {
            return reads.stream().filter(r -> r.endpoint == endpoint && Objects.equals(r.channel, channel))
                    .findFirst().orElseThrow();
        }

        Read last(Endpoint endpoint) {
            return reads.stream().filter(r -> r.endpoint == endpoint).reduce((a, b) -> b).orElseThrow();
        }
    }

    /** One channel, pages of 10 sessions, 60 messages and 1 Agent AI conversation: many pages in an hour. */
    private static FaultHarness harness(Path dir) {
        return new FaultHarness(dir, FaultHarness.defaultSim(1).withPageCaps(10, 100, 1000, 60, 1));
    }

    @Test
    void aBackfillKilledInsideEachStreamGoesOnFromItsLastCountedPageAndStaysExact() {
        Run reference;
        try (FaultHarness h = harness(stateDir.resolve("reference"))) {
            reference = new Run(h, null, 0);
            reference.poller.runCycle();
            reference.client.close();
        }
        try (FaultHarness h = harness(stateDir.resolve("state"))) {
            List<MetricsText> scrapes = new ArrayList<>();
            Run previous = null;
            for (Endpoint killOn : List.of(Endpoint.GET_SESSIONS, Endpoint.GET_MESSAGES_V2, Endpoint.AACONVERSATION)) {
                Run run = new Run(h, killOn, 2);
                scrapes.add(run.metrics());
                assertThrows(Killed.class, run.poller::runCycle, "killed inside " + killOn);
                run.client.close();
                scrapes.add(run.metrics());
                if (previous != null) {
                    assertWentOn(previous, run, reference);
                }
                previous = run;
            }
            Run last = new Run(h, null, 0);
            last.poller.runCycle();
            assertWentOn(previous, last, reference);

            h.sim.pauseTraffic();
            while (h.clock.instant().isBefore(FaultHarness.T0.plus(Duration.ofMinutes(90)))) {
                h.clock.advance(FaultHarness.INTERVAL);
                last.poller.runCycle();
            }
            Instant asOf = h.clock.instant();
            scrapes.add(last.metrics());
            // The series continue across the kills (README "Reliability and security"): never down, and the last
            // process alone carries every record, the page in hand at each kill counted once.
            assertEquals(List.of(), MetricsText.wentDown(scrapes));
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, last.metrics().series());
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, MetricsText.increase(scrapes).series());
        }
    }

    /**
     * A crash loop: eight processes in a row, each killed after 20 answers and restarted at once, over a backfill of
     * hundreds of one-record pages. Each paces its first requests by what the ones before sent (their request log in
     * the state dir), so the simulator, which enforces Kore.ai's limits, never answers 429 and never sees more than
     * 60 requests in a minute or 1,800 in an hour.
     */
    @Test
    void aCrashLoopNeverExceedsKoreAisLimits() {
        try (FaultHarness h = new FaultHarness(stateDir.resolve("loop"),
                FaultHarness.defaultSim(1).withPageCaps(1, 1, 1, 1, 1))) {
            String bot = h.bots.getFirst().name();
            for (int restart = 0; restart < 8; restart++) {
                Run run = new Run(h, null, 20, new FileRequestLog(h.stateDir, bot));
                assertThrows(Killed.class, run.poller::runCycle);
                run.client.close();
            }
            RequestStats.BotStats stats = h.sim.requestStats().bot(h.sim.bots().getFirst().botId());
            System.out.printf("crash loop: %d requests, %d answered 429, at most %d in a minute, %d in an hour%n",
                    stats.total(), stats.byStatus().getOrDefault(429, 0L), stats.maxPerMinute(), stats.maxPerHour());
            assertTrue(stats.total() >= 160, "the loop sent its requests: " + stats.total());
            assertEquals(0, stats.byStatus().getOrDefault(429, 0L), "no 429: " + stats.byStatus());
            h.assertWithinRateLimits();
        }
    }

    /** The read {@code killed} had under way goes on in {@code next} from its last page counted, to its end. */
    private static void assertWentOn(Run killed, Run next, Run reference) {
        Read cut = killed.last(killed.reads.getLast().endpoint);
        Read resumed = next.first(cut.endpoint, cut.channel);
        Read whole = reference.first(cut.endpoint, cut.channel);
        System.out.printf("%s: %d pages uninterrupted; %d before the kill, %d after the restart (from %s)%n",
                cut.endpoint.label(), whole.pages, cut.pages, resumed.pages, resumed.from);
        assertEquals(cut.window, resumed.window, "the same window");
        assertNotEquals(ReadPosition.START, resumed.from, "not from its start");
        assertEquals(whole.pages, cut.pages + resumed.pages, "no page read twice, none skipped");
    }
}
