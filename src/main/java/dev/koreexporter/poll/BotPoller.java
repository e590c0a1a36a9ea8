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
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Polls one bot. Each cycle asks the {@link SweepPlanner} which window each of the bot's {@link Stream}s
 * reads, has each stream read its window into the {@link RecordCounter}, and records how the cycle went in
 * the {@link PollerStatus}. Streams fail independently: a failing one marks the cycle failed while the others
 * still run, and its watermark stays, so its window is read again next cycle.
 */
public final class BotPoller implements BotGauges, Poller {

    /** What a stream's earlier reads left for the planner. */
    private record History(SweepPlanner.Sweep lastSweep, Instant lastFollowUp) {
        /** After the clock stepped back: a sweep "later" than now would hold the next one back by the step. */
        History notAfter(Instant now) {
            return lastSweep == null || !lastSweep.at().isAfter(now) ? this
                    : new History(new SweepPlanner.Sweep(now, lastSweep.end(), lastSweep.records()), lastFollowUp);
        }
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
    private final Duration lookback;
    /** Cycles run since this poller started; the first one is the catch-up after a start. */
    private long cycles;
    private final CycleClock cycleClock;

    public BotPoller(ExporterConfig.Bot bot, ExporterConfig.Poll poll, Duration containmentWindow, KoreApi api,
                     KoreMetrics metrics, TurnTracer tracer, CheckpointStore store, Clock clock) {
        this(bot, poll, containmentWindow, api, ReadOptions.DEFAULT, metrics, tracer, store, clock);
    }

    public BotPoller(ExporterConfig.Bot bot, ExporterConfig.Poll poll, Duration containmentWindow, KoreApi api,
                     ReadOptions options, KoreMetrics metrics, TurnTracer tracer, CheckpointStore store,
                     Clock clock) {
        this(bot, poll, containmentWindow, Stream.of(bot, api, options.messagesApi()), options.includeDeveloper(),
                metrics, tracer, store, clock, api::serverTime);
    }

    BotPoller(ExporterConfig.Bot bot, ExporterConfig.Poll poll, Duration containmentWindow, List<Stream> streams,
              KoreMetrics metrics, TurnTracer tracer, CheckpointStore store, Clock clock) {
        this(bot, poll, containmentWindow, streams, false, metrics, tracer, store, clock, Optional::empty);
    }

    /** @param serverTime Kore.ai's time at its latest answer (its {@code Date} headers), empty when unknown */
    BotPoller(ExporterConfig.Bot bot, ExporterConfig.Poll poll, Duration containmentWindow, List<Stream> streams,
              boolean includeDeveloper, KoreMetrics metrics, TurnTracer tracer, CheckpointStore store, Clock clock,
              Supplier<Optional<Instant>> serverTime) {
        this.cycleClock = new CycleClock(bot.name(), serverTime, () -> metrics.clockSteppedBack(bot.name()));
        this.bot = bot;
        this.clock = clock;
        this.metrics = metrics;
        this.streams = List.copyOf(streams);
        this.lookback = poll.lookback();
        this.planner = new SweepPlanner(poll.lookback(), poll.interval(), poll.sweepInterval());
        this.state = PollState.restore(bot, store, clock.instant().minus(poll.backfill()), containmentWindow);
        // The previous run's last sweeps: a first read reaches back a lookback before them, or what landed late
        // after them would never be read (README, "How it reads Kore.ai"). What they held is not known, so each
        // stream's first read is a sweep, as without a checkpoint.
        for (Stream s : this.streams) {
            Instant end = state.lastSweepEnd(s.key());
            if (end != null) {
                history.put(s.key(), new History(new SweepPlanner.Sweep(clock.instant(), end, 0), null));
            }
        }
        this.counter = new RecordCounter(bot, metrics, tracer, state, clock, includeDeveloper);
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
        Instant now = cycleClock.cycleStart(clock.instant());
        if (cycleClock.steppedBack()) {
            history.replaceAll((key, h) -> h.notAfter(now));
        }
        CycleCounts counts = counter.newCycle();
        // Record delays only while caught up (README, "Metrics"): a start or a catch-up counts old records late.
        Instant oldest = state.oldestWatermark();
        counter.observeDelays(cycles++ > 0 && oldest != null && !Duration.between(oldest, now).minus(lookback).isPositive());
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
        // Also what a failed checkpoint write left unpublished: today's exporter shows every count at once.
        metrics.publish(bot.name());
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

    /**
     * Message ids are looked for across all the bot's message streams (README, "How it reads Kore.ai"), so each
     * stream's ids stay until no message stream can read them again: the earliest of their horizons (a stream
     * not read yet in this process would start a lookback before its watermark). Under the lock.
     */
    private Instant messageIdsFrom() {
        Instant from = null;
        for (Stream s : streams) {
            if (s instanceof MessageStream) {
                History h = history.get(s.key());
                Instant next = h != null && h.lastSweep() != null ? planner.keepIdsFrom(h.lastSweep())
                        : planner.keepIdsFrom(new SweepPlanner.Sweep(null, state.watermark(s.key()), 0));
                from = from == null || next.isBefore(from) ? next : from;
            }
        }
        return from;
    }

    /** Reads one planned window; a failure is contained here. Returns false while the stream is catching up. */
    private boolean read(Stream stream, SweepPlanner.Read read, Instant now) {
        SweepPlanner.Tally tally = planner.tally(read);
        counter.reading(tally);
        try {
            stream.read(read.window(), read.followUps(), counter);
        } catch (KoreApiException | IllegalStateException | IllegalArgumentException e) {
            if (!counter.stopped() && !(e instanceof KoreApiException.Interrupted)) {
                status.streamFailed(stream.key(), e);
            }
            return true;
        }
        if (counter.stopped()) {
            return true;
        }
        // Read up to Kore.ai's time at most: a local clock running fast must not move the watermark (nor the
        // sweep, which decides which ids are kept) past what Kore.ai had.
        Instant end = cycleClock.readUpTo(read.window().to(), counter.locked(() -> state.watermark(stream.key())));
        History last = history.getOrDefault(stream.key(), new History(null, null));
        History next = new History(read.sweep() ? tally.sweep(now, end)
                : last.lastSweep(), read.followUps() ? end : last.lastFollowUp());
        history.put(stream.key(), next);
        counter.locked(() -> {
            if (read.sweep()) {
                state.swept(stream.key(), next.lastSweep().end());
            }
            Instant keepFrom = stream instanceof MessageStream ? messageIdsFrom() : planner.keepIdsFrom(next.lastSweep());
            state.completed(stream.key(), end, keepFrom);
            return null;
        });
        status.streamOk(stream.key());
        return !read.window().to().isBefore(now);
    }
}
