package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.ReadPosition;
import dev.koreexporter.model.Containment;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.logging.Logger;

/**
 * One bot's polling memory and its checkpoint, one object under one lock (README "How it reads Kore.ai"): the
 * streams' positions ({@link Positions}: floor, watermarks, sweeps, from when their ids are complete), the reads
 * under way and how far each got ({@link Progress}), the ids counted inside each stream's lookback ({@link SeenIds}
 * per stream key), the containment window, and the client's page hints. A page is counted, its read's position moved
 * and its checkpoint, with the bot's series values, written under the lock ({@link #page}), and scrapes see the page
 * only then, so a kill never loses or repeats it; {@link #stop} (shutdown, from another thread) never races it; once
 * stopped, nothing more is counted.
 */
final class BotLedger {
    private static final Logger LOG = Logger.getLogger(BotLedger.class.getName());
    private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final ReentrantLock lock = new ReentrantLock();
    private final String bot;
    private final String botId;
    private final CheckpointWrites writes;
    private final Positions positions;
    private final Progress progress;
    private final Supplier<Map<String, Long>> pageHints;
    private final Map<String, SeenIds> seen;
    private final ContainmentWindow containment;
    /** Ids remembered since the checkpoint was written. */
    private int changes;
    private volatile boolean stopped;

    /**
     * Restores the bot's ledger from its checkpoint, or starts it afresh at {@code newFloor}.
     *
     * @param now              a restored sweep counts as made now, so the next one is a sweep interval later
     * @param commits          told of every checkpoint write, written or failed
     * @param hints            the client's page hints: given what the checkpoint kept, asked for each checkpoint
     * @throws UncheckedIOException (of a {@link CorruptCheckpointException}) when the checkpoint cannot be used
     */
    BotLedger(ExporterConfig.Bot bot, CheckpointStore store, List<Stream<?>> streams, SweepPlanner planner,
              Instant newFloor, Duration containmentWindow, Instant now, CheckpointWrites.Commits commits,
              PageHints hints) {
        this.bot = bot.name();
        this.botId = bot.id();
        this.writes = new CheckpointWrites(bot.name(), store, commits);
        this.pageHints = hints.current();
        Checkpoint cp = store.restore(bot).orElse(null);
        this.positions = cp == null ? new Positions(planner, streams, newFloor)
                : new Positions(planner, streams, Instant.ofEpochMilli(cp.floor()), cp.watermarks(), cp.sweepEnds(),
                        cp.idsFrom().orElse(null), now);
        this.progress = new Progress(planner, streams.stream().map(Stream::key).collect(Collectors.toSet()),
                cp == null ? Map.of() : cp.reads());
        hints.restore().accept(cp == null ? Map.of() : cp.pageHints());
        // A checkpoint of 0.3.0 also lists the active sessions it followed: the sessions stream's re-reads over
        // poll.session-horizon see them again (README "How it reads Kore.ai").
        this.seen = cp == null ? new HashMap<>() : cp.seenIds();
        this.containment = new ContainmentWindow(containmentWindow, cp == null ? List.of() : cp.closedSessions());
        commits.restore(cp == null ? null : cp.series());
        LOG.info(() -> "bot=" + this.bot + (cp == null ? " no checkpoint: first cycle backfills from " + floor()
                : " resumed from checkpoint, watermark " + oldestWatermark()));
    }

    Instant floor() {
        return positions.floor();
    }

    /** The oldest watermark of all streams (null before any read); read without the lock. */
    Instant oldestWatermark() {
        return positions.oldest();
    }

    /** End of the last window a stream read completely (the backfill floor before its first). */
    Instant watermark(String key) {
        return locked(() -> positions.watermark(key));
    }

    /** What the planner needs of a stream whose pages hold {@code pageSize} records. */
    SweepPlanner.StreamState state(String key, int pageSize) {
        return locked(() -> positions.state(key, pageSize));
    }

    /** The read a stream does now: the one under way (after a restart or a failure), else {@code planned}. */
    Progress.InFlight begin(SweepPlanner.Read planned, Endpoint endpoint, Instant now) {
        return locked(() -> progress.begin(planned, endpoint, now));
    }

    /** After the clock stepped back: a sweep "later" than now would hold the next one back by the step. */
    void notAfter(Instant now) {
        update(() -> positions.notAfter(now));
    }

    /**
     * A stream has read {@code read} completely, up to {@code end}: its position moves there (a sweep counted by
     * {@code tally}, begun at {@code now}), and its ids that no stream of its scope can read again are forgotten.
     */
    void completed(String key, SweepPlanner.Read read, SweepPlanner.Tally tally, Instant now, Instant end) {
        update(() -> {
            positions.completed(key, read, tally, now, end);
            progress.done(key);
            Instant keepFrom = positions.forgetIdsBefore(key);
            SeenIds ids = seen.get(key);
            if (ids != null) {
                ids.pruneBefore(keepFrom);
            }
            containment.prune(end);
        });
    }

    /** Whether an id (hashed by {@link SeenIds#hash}) was counted by a stream whose key starts with {@code scope}. */
    boolean seen(String scope, long id) {
        return locked(() -> seen.entrySet().stream()
                .anyMatch(e -> e.getKey().startsWith(scope) && e.getValue().containsHash(id)));
    }

    /**
     * Remembers an id under the stream that read it, with its record's time (kept at the nearest end of what epoch
     * milliseconds hold).
     */
    void remember(String key, long hash, Instant time) {
        Instant t = time.isAfter(MAX_MILLIS) ? MAX_MILLIS : time.isBefore(MIN_MILLIS) ? MIN_MILLIS : time;
        update(() -> changes += seen.computeIfAbsent(key, k -> new SeenIds()).addHash(hash, t.toEpochMilli()) ? 1 : 0);
    }

    /** A session closed at {@code end}, for kore_containment_ratio. */
    void closed(Instant end, Containment type) {
        containment.add(end, type);
    }

    Map<Containment, Double> containmentRatios(Instant now) {
        return containment.ratios(now);
    }

    int seenCount() {
        return locked(() -> seen.values().stream().mapToInt(SeenIds::size).sum());
    }

    /**
     * Counts one page: {@code count} runs under the lock, the stream's read moves to {@code next}, then, if it
     * remembered anything, the checkpoint is written before the lock is released. Here, and only here, a counted page
     * becomes durable. A page whose records were all left for a later read (active sessions) remembers nothing, but
     * its position is written too while more pages of its request window follow, so that a restarted backfill does
     * not read it again. {@code count} says whether the page held such records. False, counting nothing, once stopped.
     */
    boolean page(String key, Endpoint endpoint, ReadPosition next, BooleanSupplier count) {
        return locked(() -> {
            if (stopped) {
                return false;
            }
            if (!writes.mayCount()) {
                // Another replica polls the bot now, or is about to (README "Running several replicas").
                stopped = true;
                return false;
            }
            int before = changes;
            boolean heldBack = count.getAsBoolean();
            progress.moved(key, endpoint, next);
            if (changes > before || heldBack && next.insideWindow()) {
                commit();
            }
            return true;
        });
    }

    /** Writes the checkpoint unless stopped (the final one is written then); false when the write failed. */
    boolean checkpoint() {
        return locked(() -> stopped || commit());
    }

    /** Writes the checkpoint now and stops counting: called on shutdown, from another thread. */
    void stop() {
        update(() -> {
            stopped = true;
            commit();
        });
    }

    /**
     * Stops counting without writing a checkpoint: this replica lost the bot's lease, so a write would be refused and
     * what was counted since the last one written is its successor's to count.
     */
    void abandon() {
        update(() -> stopped = true);
    }

    boolean stopped() {
        return stopped;
    }

    /** Writes the checkpoint; false when it could not be (see {@link CheckpointWrites}). */
    private boolean commit() {
        if (!writes.write(toCheckpoint())) {
            return false;
        }
        changes = 0;
        return true;
    }

    /** Why the last checkpoint could not be written, or null; read from any thread. */
    String checkpointProblem() {
        return writes.problem();
    }

    /**
     * The one place a checkpoint is assembled, from everything above: what a restart resumes from. The sweep ends,
     * the reads under way, the page hints, the shard layout and from when each stream's ids are complete go in
     * {@code seen} (see {@link Checkpoint}); the bot's cumulative series values, taken here under the lock with the
     * page that moved them, go in {@code series}. No session is followed by id any more: {@code activeSessions}
     * stays empty.
     */
    private Checkpoint toCheckpoint() {
        Map<String, long[]> ids = new HashMap<>();
        seen.forEach((k, v) -> ids.put(k, v.pairs()));
        return new Checkpoint(Checkpoint.VERSION, botId, floor().toEpochMilli(), positions.watermarkMillis(),
                Checkpoint.notIds(positions.sweepEndMillis(), progress.snapshot(), pageHints.get(), writes.layout(),
                        positions.idsFromMillis()),
                Map.of(), containment.snapshot(), ids, writes.series());
    }

    private void update(Runnable action) {
        locked(() -> {
            action.run();
            return null;
        });
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
