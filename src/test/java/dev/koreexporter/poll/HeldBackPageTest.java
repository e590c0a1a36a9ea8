package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Session;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TappedKoreApi;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A page whose sessions are all still active counts nothing and remembers no id, yet its read's position is made
 * durable while more pages of its request window follow (README "How it reads Kore.ai"): a process killed after it
 * resumes after that page instead of reading the window again from its start.
 */
class HeldBackPageTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();
    private static final int SESSIONS = 10;
    private static final int PAGE = 3;

    @TempDir
    Path stateDir;
    @TempDir
    Path crashedStateDir;

    private final ManualClock clock = new ManualClock(T0);
    private final FakeKoreApi api = new FakeKoreApi(clock, PAGE);

    private final class Run {
        final PrometheusRegistry registry = new PrometheusRegistry();
        /** How many session pages each read of this run handed out. */
        final List<int[]> reads = new ArrayList<>();
        final KoreApi kore;
        final BotPoller poller;

        Run(KoreApi api, Path dir) {
            kore = new TappedKoreApi(api, (listing, query, from) -> {
                if (listing != Listing.SESSIONS) {
                    return null;
                }
                int[] handed = new int[1];
                reads.add(handed);
                return page -> handed[0]++;
            });
            poller = new BotPoller(BOT, POLL, Duration.ofHours(1), kore, ReadOptions.DEFAULT,
                    new KoreMetrics(registry, Map.of(), "test", clock), TurnTracer.NONE,
                    new FileCheckpointStore(dir), clock);
        }

        void cyclesUntil(Instant end) {
            while (clock.instant().isBefore(end)) {
                clock.advance(POLL.interval());
                poller.runCycle();
            }
        }
    }

    /** Sessions started over the 20 min before T0, all active at T0, each reported closed 26 min after its start. */
    private void activeSessions() {
        for (int i = 0; i < SESSIONS; i++) {
            Instant start = T0.minus(Duration.ofMinutes(20)).plusSeconds(10L * i);
            api.addSession(new Session("s-" + i, "korevg", start, null, true, null, "interactive", null,
                    List.of("en")), start.plusSeconds(5));
            api.addSession(new Session("s-" + i, "korevg", start, start.plus(Duration.ofMinutes(25)), false,
                    Containment.SELF_SERVICE, "interactive", 6, List.of("en")), start.plus(Duration.ofMinutes(26)));
        }
    }

    @Test
    void aKilledProcessResumesAfterAPageOfActiveSessionsAndCountsEachSessionOnce() {
        activeSessions();
        int pages = (SESSIONS + PAGE - 1) / PAGE;
        Path file = stateDir.resolve("billing.checkpoint.json");
        Path crashed = crashedStateDir.resolve("billing.checkpoint.json");
        // As the third page is handed out, the files on disk are what a kill -9 leaves: two pages counted.
        AtomicReference<Run> first = new AtomicReference<>();
        first.set(new Run(TappedKoreApi.interruptedAt(api, 3, () -> copy(file, crashed)), stateDir));
        clock.advance(POLL.interval());
        first.get().poller.runCycle();
        assertEquals(List.of(pages), first.get().reads.stream().map(r -> r[0]).toList(),
                "the first cycle read every page of active sessions");

        Run restarted = new Run(api, crashedStateDir);
        restarted.cyclesUntil(T0.plus(Duration.ofSeconds(30)).plus(POLL.interval()));
        assertEquals(pages - 2, restarted.reads.getFirst()[0],
                "the restarted read resumes after the two pages of active sessions the killed process read");

        restarted.cyclesUntil(T0.plus(Duration.ofMinutes(15)));
        assertEquals(SESSIONS, MetricsText.of(restarted.registry).sum("kore_sessions_total"),
                "each session counted once it is reported closed");
    }

    private static void copy(Path from, Path to) {
        try {
            if (Files.exists(from)) {
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
