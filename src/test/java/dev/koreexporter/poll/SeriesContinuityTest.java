package dev.koreexporter.poll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.store.BotSeriesState;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bot's kore_* counters and histograms continue across restarts (README "Reliability and security"): the
 * checkpoint carries their cumulative values, native buckets included, a restart resumes them before showing any,
 * scrapes see a count only once a checkpoint holds it, so no restart, even a kill between counting a page and writing
 * its checkpoint, takes a counter back or counts a page twice; a file without the values, or of another shard
 * layout, starts them from zero.
 */
class SeriesContinuityTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    private final ManualClock clock = new ManualClock(T0);
    private final FakeKoreApi api = new FakeKoreApi(clock, 3);

    /** The process "dies" at a checkpoint write: an Error, which nothing in the poller catches. */
    private static final class Killed extends Error {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /** The state dir's checkpoints, the process killed at its {@code killAt}-th write, before the file changes. */
    private static final class Dying implements CheckpointStore {
        private final FileCheckpointStore files;
        private final int killAt;
        private int writes;

        Dying(FileCheckpointStore files, int killAt) {
            this.files = files;
            this.killAt = killAt;
        }

        @Override
        public Shard layout() {
            return files.layout();
        }

        @Override
        public Optional<Checkpoint> load(String botName) throws IOException {
            return files.load(botName);
        }

        @Override
        public void save(String botName, Checkpoint checkpoint) throws IOException {
            if (++writes == killAt) {
                throw new Killed();
            }
            files.save(botName, checkpoint);
        }
    }

    private final class Run {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", clock);
        final BotPoller poller;

        Run(CheckpointStore store) {
            poller = new BotPoller(BOT, POLL, Duration.ofHours(1), api, ReadOptions.DEFAULT, metrics, TurnTracer.NONE,
                    store, clock);
        }

        Run() {
            this(new FileCheckpointStore(stateDir));
        }

        MetricsText scrape() {
            return MetricsText.of(registry);
        }

        String export() throws IOException {
            return JSON.writeValueAsString(metrics.export(BOT.name()));
        }

        void cycle() {
            clock.advance(POLL.interval());
            poller.runCycle();
        }

        void cyclesUntil(Instant end) {
            while (clock.instant().isBefore(end)) {
                cycle();
            }
        }
    }

    /** Turns (ASR, bot and TTS segments: every latency histogram, native buckets too), each visible 0..10 min late. */
    private int addTurns(Instant from, Duration span, int sessions, long seed) {
        Random r = new Random(seed);
        int turns = 0;
        for (int s = 0; s < sessions; s++) {
            String sessionId = "s" + seed + "-" + s;
            Instant t = from.plusMillis((long) (r.nextDouble() * span.toMillis()));
            String language = r.nextBoolean() ? "en" : "es";
            for (int i = 0; i < 1 + r.nextInt(4); i++) {
                double asr = 100 + r.nextInt(900);
                double bot = 200 + r.nextInt(3000);
                double tts = 50 + r.nextInt(500);
                Instant userEnd = t.plusSeconds(5L * i);
                api.addMessage(new Message(sessionId + "-in" + i, sessionId, Direction.INCOMING, "korevg", language,
                        userEnd, null, null), userEnd.plusSeconds(r.nextInt(600)));
                Instant botAt = userEnd.plusMillis((long) (asr + bot + tts));
                Latency latency = new Latency(asr + bot + tts, new Latency.Asr(asr, "google", 0.9),
                        new Latency.BotSegment(bot), new Latency.Tts(tts, "azure", 40L, 2400.0, true, tts / 3));
                api.addMessage(new Message(sessionId + "-out" + i, sessionId, Direction.OUTGOING, "korevg", language,
                        botAt, latency, null), botAt.plusSeconds(r.nextInt(600)));
                turns++;
            }
        }
        return turns;
    }

    private static double turnsIn(MetricsText m) {
        return m.sum("kore_turn_latency_seconds_count", "bot", "billing");
    }

    /** The turns the bot's checkpoint says were counted, from its series values. */
    private double turnsInCheckpoint() throws IOException {
        BotSeriesState series = new FileCheckpointStore(stateDir).load(BOT.name()).orElseThrow().series();
        return series.metrics().stream().filter(m -> m.name().equals("kore_turn_latency_seconds"))
                .flatMap(m -> m.series().stream()).flatMapToLong(s -> Arrays.stream(s.buckets())).sum();
    }

    @Test
    void aRestartContinuesEveryCounterAndHistogramFromTheCheckpointNativeBucketsIncluded() throws Exception {
        int turns = addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(80), 60, 1);
        Run first = new Run();
        first.cyclesUntil(T0.plus(Duration.ofMinutes(10)));
        first.poller.stopAndCheckpoint();
        MetricsText before = first.scrape();
        String values = first.export();
        assertTrue(values.contains("\"nativeBuckets\""), "native buckets are among the values: " + values);
        assertTrue(turnsIn(before) > 0 && turnsIn(before) < turns, "stopped mid-way: " + turnsIn(before));

        Run second = new Run();
        assertEquals(values, second.export(), "every value back before the first cycle, native buckets included");
        MetricsText resumed = second.scrape();
        assertEquals(List.of(), MetricsText.wentDown(List.of(before, resumed)), "shown at once, nothing lower");
        assertEquals(turnsIn(before), turnsIn(resumed));

        second.cyclesUntil(T0.plus(Duration.ofMinutes(50)));
        MetricsText end = second.scrape();
        assertEquals(turns, turnsIn(end), "the second process alone carries every turn, each once");
        assertEquals(turns, end.sum("kore_messages_total", "direction", "outgoing"));
        assertEquals(List.of(), MetricsText.wentDown(List.of(before, resumed, end)));
    }

    @Test
    void killsBetweenCountingAPageAndWritingItsCheckpointNeverShowThatPageNorCountItTwice() throws Exception {
        int turns = addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(80), 60, 2);
        Instant end = T0.plus(Duration.ofMinutes(60));
        Run reference = new Run(new FileCheckpointStore(stateDir.resolve("reference")));
        reference.cyclesUntil(end);
        Map<String, Double> expected = counts(reference.scrape());
        assertFalse(expected.isEmpty());
        clock.set(T0);

        List<MetricsText> scrapes = new ArrayList<>();
        int kills = 0;
        for (int killAt : new int[] {3, 5, 2, 4}) {
            Run run = new Run(new Dying(new FileCheckpointStore(stateDir), killAt));
            scrapes.add(run.scrape());
            Killed killed = null;
            while (killed == null) {
                try {
                    run.cycle();
                    scrapes.add(run.scrape());
                } catch (Killed e) {
                    killed = e;
                }
            }
            kills++;
            MetricsText last = run.scrape();
            scrapes.add(last);
            assertEquals(turnsInCheckpoint(), turnsIn(last),
                    "scrapes show what the last checkpoint written holds, not the page counted after it");
        }
        assertTrue(clock.instant().isBefore(end.minus(Duration.ofMinutes(50))), "killed while backfilling");
        Run last = new Run();
        last.cyclesUntil(end);
        scrapes.add(last.scrape());

        assertEquals(4, kills);
        assertEquals(List.of(), MetricsText.wentDown(scrapes), "no counter ever went down");
        assertEquals(turns, turnsIn(last.scrape()), "the last process alone: every turn, each once");
        assertEquals(expected, counts(last.scrape()),
                "every record series (histogram buckets, counts, sums, messages) as an uninterrupted process has it");
    }

    /**
     * The series of what was read (not the exporter's own: requests, duplicates, errors differ with restarts); sums
     * to nine decimals, as values added in another order round their last bit differently.
     */
    private static Map<String, Double> counts(MetricsText m) {
        Map<String, Double> out = new TreeMap<>();
        m.series().forEach((k, v) -> {
            if (k.startsWith("kore_") && !k.startsWith("kore_exporter_") && !k.startsWith("kore_containment_ratio")) {
                out.put(k, k.contains("_sum") ? Math.round(v * 1e9) / 1e9 : v);
            }
        });
        return out;
    }

    @Test
    void aCheckpointWithoutTheValuesStartsTheSeriesFromZeroOnceAndIsWrittenWithThemFromThen() throws Exception {
        addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(80), 30, 3);
        Run first = new Run();
        first.cyclesUntil(T0.plus(Duration.ofMinutes(10)));
        first.poller.stopAndCheckpoint();
        // As 0.3.0 (or 0.4.0 before the values) wrote it: version 2, no series.
        Path file = stateDir.resolve("billing.checkpoint.json");
        ObjectNode old = (ObjectNode) JSON.readTree(Files.readAllBytes(file));
        assertEquals(Checkpoint.VERSION, old.get("version").asInt());
        old.remove("series");
        old.put("version", 2);
        Files.write(file, JSON.writeValueAsBytes(old));

        Run second = new Run();
        assertEquals(0, turnsIn(second.scrape()), "from zero");
        assertEquals(0, second.scrape().sum("kore_messages_total"));
        second.cyclesUntil(T0.plus(Duration.ofMinutes(12)));
        assertEquals(Checkpoint.VERSION, JSON.readTree(Files.readAllBytes(file)).get("version").asInt());
        assertEquals(turnsIn(second.scrape()), turnsInCheckpoint(), "written with the values from then on");
    }

    @Test
    void aCheckpointOfAnotherShardLayoutStartsAfreshSeriesIncluded() throws Exception {
        addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(80), 30, 4);
        Run first = new Run();
        first.cyclesUntil(T0.plus(Duration.ofMinutes(10)));
        first.poller.stopAndCheckpoint();
        assertTrue(turnsInCheckpoint() > 0);

        Run second = new Run(new FileCheckpointStore(stateDir, new Shard(0, 2)));
        assertEquals(0, turnsIn(second.scrape()), "another replica may have counted the bot meanwhile");
        assertEquals(0, second.scrape().sum("kore_messages_total"));
    }

    @Test
    void aStoppingSlotRemovesTheBotsSeriesBeforeItUnlocks() {
        addTurns(T0.minus(Duration.ofMinutes(50)), Duration.ofMinutes(60), 10, 5);
        PrometheusRegistry registry = new PrometheusRegistry();
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", clock);
        FileCheckpointStore files = new FileCheckpointStore(stateDir);
        List<String> atUnlock = new ArrayList<>();
        CheckpointStore store = new CheckpointStore() {
            @Override
            public Optional<Checkpoint> load(String botName) throws IOException {
                return files.load(botName);
            }

            @Override
            public void save(String botName, Checkpoint checkpoint) throws IOException {
                files.save(botName, checkpoint);
            }

            @Override
            public Optional<CheckpointLock> tryLock(String botName) throws IOException {
                CheckpointLock held = files.tryLock(botName).orElseThrow();
                return Optional.of(new CheckpointLock() {
                    @Override
                    public String botName() {
                        return botName;
                    }

                    @Override
                    public void close() {
                        MetricsText.of(registry).series().keySet().stream()
                                .filter(k -> k.contains("bot=\"billing\"")).forEach(atUnlock::add);
                        held.close();
                    }
                });
            }
        };
        BotSlot slot = new BotSlot(BOT.name(), store, metrics, () -> new BotPoller(BOT, POLL, Duration.ofHours(1), api,
                ReadOptions.DEFAULT, metrics, TurnTracer.NONE, store, clock));
        clock.advance(POLL.interval());
        slot.runCycle();
        assertTrue(turnsIn(MetricsText.of(registry)) > 0);

        slot.stopAndCheckpoint();
        assertEquals(List.of(), atUnlock, "none of the bot's series left when another process may take it over");
    }
}
