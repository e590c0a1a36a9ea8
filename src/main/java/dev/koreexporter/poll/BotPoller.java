package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreApiException;
import dev.koreexporter.metrics.BotGauges;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Containment;
import dev.koreexporter.tracing.TurnTracer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Polls one bot. Each cycle asks the {@link SweepPlanner} which window each of the bot's {@link Stream}s
 * reads, has each stream read its window into the {@link RecordCounter}, and records how the cycle went in
 * the {@link PollerStatus}. Streams fail independently: a failing one marks the cycle failed while the others
 * still run, and its watermark stays, so its window is read again next cycle.
 */
public final class BotPoller implements BotGauges, Poller {

    /** What a stream's earlier reads left for the planner. */
    private record History(SweepPlanner.Sweep lastSweep, Instant lastFollowUp) {
    }

    private final ExporterConfig.Bot bot;
    private final Clock clock;
    private final PollState state;
    private final List<Stream> streams;
    private final SweepPlanner planner;
    private final RecordCounter counter;
    private final PollerStatus status;
    private final KoreMetrics metrics;
    private final Map<String, History> history = new HashMap<>();

    public BotPoller(ExporterConfig.Bot bot, ExporterConfig.Poll poll, Duration containmentWindow, KoreApi api,
                     KoreMetrics metrics, TurnTracer tracer, CheckpointStore store, Clock clock) {
        this(bot, poll, containmentWindow, Stream.of(bot, api), metrics, tracer, store, clock);
    }

    BotPoller(ExporterConfig.Bot bot, ExporterConfig.Poll poll, Duration containmentWindow, List<Stream> streams,
              KoreMetrics metrics, TurnTracer tracer, CheckpointStore store, Clock clock) {
        this.bot = bot;
        this.clock = clock;
        this.metrics = metrics;
        this.streams = List.copyOf(streams);
        this.planner = new SweepPlanner(poll.lookback(), poll.interval());
        this.state = PollState.restore(bot, store, clock.instant().minus(poll.backfill()), containmentWindow);
        this.counter = new RecordCounter(bot, metrics, tracer, state);
        this.status = new PollerStatus(bot.name(), clock, state.oldestWatermark());
        metrics.register(this);
    }

    @Override
    public String bot() {
        return bot.name();
    }

    public BotStatus status() {
        return status.current();
    }

    /** Runs one cycle; returns true when every stream has read up to now (no catching up left). */
    public boolean runCycle() {
        long started = System.nanoTime();
        Instant now = clock.instant();
        CycleCounts counts = counter.newCycle();
        boolean caughtUp = true;
        Map<String, Stream> byKey = new HashMap<>();
        List<SweepPlanner.StreamState> states = streams.stream().map(s -> {
            byKey.put(s.key(), s);
            History h = history.getOrDefault(s.key(), new History(null, null));
            Instant watermark = counter.locked(() -> state.watermark(s.key()));
            return new SweepPlanner.StreamState(s.key(), s.pageSize(), watermark, h.lastSweep(), h.lastFollowUp());
        }).toList();
        for (SweepPlanner.Read read : planner.plan(now, state.floor(), states)) {
            if (!counter.stopped()) {
                caughtUp &= read(byKey.get(read.key()), read, now);
            }
        }

        boolean ok = status.cycleOk();
        boolean checkpointOk = counter.checkpoint();
        metrics.cycleFinished(bot.name(), ok);
        status.cycleFinished(state.oldestWatermark(), checkpointOk, counts, caughtUp,
                (System.nanoTime() - started) / 1_000_000);
        return caughtUp;
    }

    /** Writes the checkpoint now and stops counting: called on shutdown, from another thread. */
    public void stopAndCheckpoint() {
        counter.stop();
    }

    /** Ids currently remembered for de-duplication (tests check it stays bounded). */
    int seenIds() {
        return counter.locked(state::seenCount);
    }

    @Override
    public OptionalDouble watermarkLagSeconds(Instant now) {
        Instant wm = state.oldestWatermark();
        return wm == null ? OptionalDouble.empty() : OptionalDouble.of(Duration.between(wm, now).toMillis() / 1000.0);
    }

    @Override
    public Map<Containment, Double> containmentRatios(Instant now) {
        return state.containment().ratios(now);
    }

    /** Reads one planned window; a failure is contained here. Returns false while the stream is catching up. */
    private boolean read(Stream stream, SweepPlanner.Read read, Instant now) {
        int received;
        try {
            received = stream.read(read.window(), read.followUps(), counter);
        } catch (KoreApiException | IllegalStateException | IllegalArgumentException e) {
            if (!counter.stopped() && !(e instanceof KoreApiException.Interrupted)) {
                status.streamFailed(stream.key(), e);
            }
            return true;
        }
        if (counter.stopped()) {
            return true;
        }
        History last = history.getOrDefault(stream.key(), new History(null, null));
        History next = new History(read.sweep() ? new SweepPlanner.Sweep(now, read.window().to(), received)
                : last.lastSweep(), read.followUps() ? read.window().to() : last.lastFollowUp());
        history.put(stream.key(), next);
        Instant keepFrom = planner.keepIdsFrom(next.lastSweep());
        counter.locked(() -> {
            state.completed(stream.key(), read.window().to(), keepFrom);
            return null;
        });
        status.streamOk(stream.key());
        return !read.window().to().isBefore(now);
    }
}
