package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreApiException;
import dev.koreexporter.metrics.BotGauges;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.store.BotSeriesState;
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
 * Polls one bot. Each cycle asks the {@link SweepPlanner} which window each of the bot's {@link Stream}s reads,
 * has the {@link StreamReader} read and count it, moves the stream's position in the {@link BotLedger}, and
 * records how the cycle went in the {@link PollerStatus}. It knows no stream by name. Streams fail independently:
 * a failing one marks the cycle failed while the others still run, and its watermark stays, so its window is read
 * again next cycle.
 */
public final class BotPoller implements BotGauges, Poller {
    private final ExporterConfig.Bot bot;
    private final Clock clock;
    private final List<Stream<?>> streams;
    private final Map<String, Stream<?>> byKey = new HashMap<>();
    private final SweepPlanner planner;
    private final BotLedger ledger;
    private final RecordCounter counter;
    private final StreamReader reader;
    private final PollerStatus status;
    private final KoreMetrics metrics;
    private final KoreApi api;
    private final CycleClock cycleClock;
    private final Duration lookback;
    /** Cycles run since this poller started; the first one is the catch-up after a start. */
    private long cycles;

    /**
     * Reads the bot's checkpoint (so build it holding the bot's checkpoint lock, as {@link BotSlot} does).
     *
     * @param containmentWindow the trailing window of kore_containment_ratio
     * @throws java.io.UncheckedIOException (of a {@link CorruptCheckpointException}) when the checkpoint cannot be used
     */
    public BotPoller(ExporterConfig.Bot bot, ExporterConfig.Poll poll, Duration containmentWindow, KoreApi api,
                     ReadOptions options, KoreMetrics metrics, TurnTracer tracer, CheckpointStore store,
                     Clock clock) {
        this.bot = bot;
        this.clock = clock;
        this.metrics = metrics;
        this.api = api;
        this.streams = Stream.all(bot, options.messagesApi());
        this.streams.forEach(s -> byKey.put(s.key(), s));
        this.lookback = poll.lookback();
        Map<String, Duration> reaches = new HashMap<>();
        this.streams.forEach(s -> reaches.put(s.key(), s.kind().reach().of(poll)));
        this.planner = new SweepPlanner(poll.lookback(), poll.interval(), poll.sweepInterval(), reaches);
        Instant now = clock.instant();
        this.ledger = new BotLedger(bot, store, streams, planner, now.minus(poll.backfill()), containmentWindow, now,
                new CheckpointWrites.Commits() {
                    @Override
                    public void written() {
                        // Scrapes see counts once their checkpoint is written (README "Reliability and security"),
                        // never more than it holds: after the final one (written from the shutdown thread) a request
                        // still answered on this poller's thread is counted, and a restart resumes from that file.
                        if (!ledger.stopped()) {
                            metrics.publish(bot.name());
                        }
                    }

                    @Override
                    public void failed() {
                        metrics.checkpointFailed(bot.name());
                    }

                    @Override
                    public BotSeriesState series() {
                        return metrics.export(bot.name());
                    }

                    @Override
                    public void restore(BotSeriesState series) {
                        metrics.restore(bot.name(), series != null ? series
                                : new BotSeriesState(BotSeriesState.VERSION, List.of()));
                    }
                }, new PageHints(api::pageHints, api::restorePageHints));
        this.counter = new RecordCounter(bot, metrics, tracer, ledger, clock, options.includeDeveloper());
        this.reader = new StreamReader(bot.name(), api, counter, ledger);
        this.cycleClock = new CycleClock(bot.name(), api::serverTime, () -> metrics.clockSteppedBack(bot.name()));
        this.status = new PollerStatus(bot.name(), clock, ledger.oldestWatermark());
        metrics.register(this);
    }

    @Override
    public String bot() {
        return bot.name();
    }

    @Override
    public BotStatus status() {
        return status.current();
    }

    /** Answers from Kore.ai and pages counted so far: see {@link Poller#progress}. */
    @Override
    public long progress() {
        return api.answered() + counter.pagesCounted();
    }

    /** Runs one cycle; returns true when every stream has read up to now (no catching up left). */
    @Override
    public boolean runCycle() {
        long started = System.nanoTime();
        Instant now = cycleClock.cycleStart(clock.instant());
        if (cycleClock.steppedBack()) {
            ledger.notAfter(now);
        }
        // Record delays only while caught up (README, "Metrics"): a start or a catch-up counts old records late.
        Instant oldest = ledger.oldestWatermark();
        CycleCounts counts = counter.newCycle(cycles++ > 0 && oldest != null
                && !Duration.between(oldest, now).minus(lookback).isPositive());
        List<SweepPlanner.StreamState> states = streams.stream()
                .map(s -> ledger.state(s.key(), reader.listing(s).pageSize())).toList();
        boolean caughtUp = true;
        for (SweepPlanner.Read read : planner.plan(now, states)) {
            if (!ledger.stopped()) {
                caughtUp &= read(byKey.get(read.key()), read, now);
            }
        }
        if (ledger.stopped()) {
            // Cut short by shutdown: what it read is in the final checkpoint, but it is no finished cycle.
            status.cutShort((System.nanoTime() - started) / 1_000_000);
            return true;
        }
        // A checkpoint that cannot be written fails the cycle (up 0, named): a restart would count it all again.
        boolean checkpointOk = ledger.checkpoint();
        if (!checkpointOk) {
            status.checkpointFailed(ledger.checkpointProblem());
        }
        // Nothing is published here: what a failed write left unpublished stays so until a write holds it. Shown
        // now, a restart meanwhile would resume below it, from the last file written: a counter going down, which
        // Prometheus takes for a reset, adding the whole restored value to increase(). Held back, the restart
        // re-reads that stretch and counts it once (README "Reliability and security").
        metrics.cycleFinished(bot.name(), status.cycleOk());
        status.cycleFinished(ledger.oldestWatermark(), checkpointOk, counts, caughtUp,
                (System.nanoTime() - started) / 1_000_000);
        return caughtUp;
    }

    /** Writes the checkpoint now and stops counting: called on shutdown, from another thread. */
    @Override
    public void stopAndCheckpoint() {
        ledger.stop();
    }

    /** Stops counting without a checkpoint: this replica lost the bot's lease (see {@link BotLedger#abandon}). */
    public void abandon() {
        ledger.abandon();
    }

    /** Whether it counts no more (shut down, or its lease was not held when a page came). */
    public boolean stopped() {
        return ledger.stopped();
    }

    /** Ids currently remembered for de-duplication (tests check it stays bounded). */
    int seenIds() {
        return ledger.seenCount();
    }

    @Override
    public OptionalDouble watermarkLagSeconds(Instant now) {
        Instant wm = ledger.oldestWatermark();
        return wm == null ? OptionalDouble.empty() : OptionalDouble.of(Duration.between(wm, now).toMillis() / 1000.0);
    }

    @Override
    public Map<Containment, Double> containmentRatios(Instant now) {
        return ledger.containmentRatios(now);
    }

    /**
     * Reads one planned window, or goes on with the read the stream has under way (after a restart or a failure);
     * a failure is contained here. Returns false while the stream is catching up.
     */
    private boolean read(Stream<?> stream, SweepPlanner.Read planned, Instant now) {
        Progress.InFlight inFlight = ledger.begin(planned, reader.listing(stream).endpoint(), now);
        SweepPlanner.Read read = inFlight.read();
        SweepPlanner.Tally tally = inFlight.tally();
        counter.reading(tally);
        try {
            reader.read(stream, inFlight);
        } catch (KoreApiException | IllegalStateException | IllegalArgumentException e) {
            if (!ledger.stopped() && !(e instanceof KoreApiException.Interrupted)) {
                status.streamFailed(stream.key(), e);
            }
            return true;
        }
        if (ledger.stopped()) {
            return true;
        }
        // Read up to Kore.ai's time at most: a local clock running fast must not move the watermark (nor the
        // sweep, which decides which ids are kept) past what Kore.ai had.
        Instant end = cycleClock.readUpTo(read.window().to(), ledger.watermark(stream.key()));
        ledger.completed(stream.key(), read, tally, now, end);
        status.streamOk(stream.key());
        return !read.window().to().isBefore(now);
    }
}
