package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Containment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One bot's polling memory and its checkpoint, under one lock (README "How it reads Kore.ai"): the first-start
 * floor, each stream's position (watermark, last sweep, last follow-up lookups), the ids counted inside the
 * lookback horizon, the records followed until they close, the containment window. A page is counted and its
 * checkpoint written under the lock ({@link #page}), so the checkpoint never lags the meters by more than that page,
 * and {@link #stop} (shutdown, from another thread) never races it; once stopped, nothing more is counted.
 */
final class BotLedger {
    private static final Logger LOG = Logger.getLogger(BotLedger.class.getName());
    /** A record still followed a day after its time is not followed any longer. */
    private static final Duration MAX_FOLLOW = Duration.ofDays(1);
    private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final ReentrantLock lock = new ReentrantLock();
    private final String bot;
    private final String botId;
    private final CheckpointStore store;
    private final SweepPlanner planner;
    private final Runnable checkpointFailed;
    /** The scope of each configured stream, by key: ids are kept while a stream of their scope may read them. */
    private final Map<String, String> scopes = new HashMap<>();
    private final Instant floor;
    // Positions: of every stream in the checkpoint, configured or not, so that a channel removed and added back
    // resumes where it was; sweeps and follow-ups only of configured streams.
    private final Map<String, Instant> watermarks = new HashMap<>();
    private final Map<String, Instant> sweepEnds = new HashMap<>();
    private final Map<String, SweepPlanner.Sweep> sweeps = new HashMap<>();
    private final Map<String, Instant> followUps = new HashMap<>();
    private final Map<String, SeenIds> seen;
    /** Records followed until they close (active sessions), id to time in epoch millis. */
    private final Map<String, Long> followed = new HashMap<>();
    private final ContainmentWindow containment;
    /** Ids remembered or records followed since the checkpoint was written. */
    private int changes;
    private volatile boolean stopped;
    private boolean persistFailing;
    private volatile Instant oldestWatermark;

    /**
     * Restores the bot's ledger from its checkpoint, or starts it afresh at {@code newFloor}.
     *
     * @param now              a restored sweep counts as made now, so the next one is a sweep interval later
     * @param checkpointFailed told of every checkpoint that could not be written
     * @throws UncheckedIOException (of a {@link CorruptCheckpointException}) when the checkpoint cannot be used
     */
    BotLedger(ExporterConfig.Bot bot, CheckpointStore store, List<Stream<?>> streams, SweepPlanner planner,
              Instant newFloor, Duration containmentWindow, Instant now, Runnable checkpointFailed) {
        this.bot = bot.name();
        this.botId = bot.id();
        this.store = store;
        this.planner = planner;
        this.checkpointFailed = checkpointFailed;
        streams.forEach(s -> scopes.put(s.key(), s.kind().scope()));
        Checkpoint cp = store.restore(bot).orElse(null);
        this.floor = cp == null ? newFloor : Instant.ofEpochMilli(cp.floor());
        this.containment = new ContainmentWindow(containmentWindow, cp == null ? List.of() : cp.closedSessions());
        this.seen = cp == null ? new HashMap<>() : cp.seenIds();
        if (cp != null) {
            cp.watermarks().forEach((k, v) -> watermarks.put(k, Instant.ofEpochMilli(v)));
            cp.sweepEnds().forEach((k, v) -> sweepEnds.put(k, Instant.ofEpochMilli(v)));
            followed.putAll(cp.activeSessions());
        }
        // The previous run's last sweeps: a first read reaches back a lookback before them, or what landed late
        // after them would never be read. What they held is not known: each stream's first read is a sweep.
        sweepEnds.forEach((k, end) -> {
            if (scopes.containsKey(k)) {
                sweeps.put(k, new SweepPlanner.Sweep(now, end, 0));
            }
        });
        updateOldest();
        LOG.info(() -> "bot=" + this.bot + (cp == null ? " no checkpoint: first cycle backfills from " + floor
                : " resumed from checkpoint, watermark " + oldestWatermark));
    }

    Instant floor() {
        return floor;
    }

    /** The oldest watermark of all streams (null before any read); read without the lock. */
    Instant oldestWatermark() {
        return oldestWatermark;
    }

    /** End of the last window a stream read completely (the backfill floor before its first). */
    Instant watermark(String key) {
        return locked(() -> watermarks.getOrDefault(key, floor));
    }

    /** What the planner needs of a stream whose pages hold {@code pageSize} records. */
    SweepPlanner.StreamState state(String key, int pageSize) {
        return locked(() -> new SweepPlanner.StreamState(key, pageSize, watermarks.getOrDefault(key, floor),
                sweeps.get(key), followUps.get(key)));
    }

    /** After the clock stepped back: a sweep "later" than now would hold the next one back by the step. */
    void notAfter(Instant now) {
        update(() -> sweeps.replaceAll((k, s) -> s.at().isAfter(now) ? new SweepPlanner.Sweep(now, s.end(),
                s.records()) : s));
    }

    /**
     * A stream has read {@code read} completely, up to {@code end}: its watermark moves there, its sweep (counted by
     * {@code tally}, begun at {@code now}) and follow-ups are remembered, and its ids no stream of its scope can read
     * again are forgotten.
     */
    void completed(String key, SweepPlanner.Read read, SweepPlanner.Tally tally, Instant now, Instant end) {
        update(() -> {
            watermarks.put(key, end);
            if (read.sweep()) {
                sweeps.put(key, tally.sweep(now, end));
                sweepEnds.put(key, end);
            }
            if (read.followUps()) {
                followUps.put(key, end);
            }
            SeenIds ids = seen.get(key);
            if (ids != null) {
                ids.pruneBefore(max(floor, keepIdsFrom(scopes.get(key))));
            }
            containment.prune(end);
            updateOldest();
        });
    }

    /**
     * Ids of a scope are looked for across all its streams, so each stream's ids stay until no stream of the
     * scope can read them again: the earliest of their horizons (a stream not read yet in this process would
     * start a lookback before its watermark).
     */
    private Instant keepIdsFrom(String scope) {
        Instant from = null;
        for (Map.Entry<String, String> s : scopes.entrySet()) {
            if (s.getValue().equals(scope)) {
                SweepPlanner.Sweep last = sweeps.get(s.getKey());
                Instant next = planner.keepIdsFrom(last != null ? last
                        : new SweepPlanner.Sweep(null, watermarks.getOrDefault(s.getKey(), floor), 0));
                from = from == null || next.isBefore(from) ? next : from;
            }
        }
        return from;
    }

    /** Whether an id (hashed by {@link SeenIds#hash}) was counted by a stream whose key starts with {@code scope}. */
    boolean seen(String scope, long id) {
        return locked(() -> {
            for (Map.Entry<String, SeenIds> e : seen.entrySet()) {
                if (e.getKey().startsWith(scope) && e.getValue().containsHash(id)) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Remembers an id under the stream that read it, with its record's time (kept at the nearest end of what epoch
     * milliseconds hold), and follows it no longer.
     */
    void remember(String key, long hash, String id, Instant time) {
        Instant t = time.isAfter(MAX_MILLIS) ? MAX_MILLIS : time.isBefore(MIN_MILLIS) ? MIN_MILLIS : time;
        update(() -> {
            if (seen.computeIfAbsent(key, k -> new SeenIds()).addHash(hash, t.toEpochMilli())) {
                changes++;
            }
            followed.remove(id);
        });
    }

    /** Follows a record until it is final (a session until it closes). */
    void follow(String id, Instant time) {
        update(() -> {
            if (followed.putIfAbsent(id, time.toEpochMilli()) == null) {
                changes++;
            }
        });
    }

    /** Ids Kore.ai no longer knows are not looked up again. */
    void unfollow(Collection<String> ids) {
        update(() -> followed.keySet().removeAll(ids));
    }

    /** Followed records a window from {@code windowStart} no longer covers: they must be looked up by id. */
    List<String> followUps(Instant windowStart) {
        long from = windowStart.toEpochMilli();
        long tooOld = windowStart.minus(MAX_FOLLOW).toEpochMilli();
        return locked(() -> {
            followed.values().removeIf(time -> time < tooOld);
            List<String> ids = new ArrayList<>();
            followed.forEach((id, time) -> {
                if (time < from) {
                    ids.add(id);
                }
            });
            return ids;
        });
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
     * Counts one page: {@code count} runs under the lock, then, if it remembered anything, the checkpoint is
     * written before the lock is released. Here, and only here, a counted page becomes durable. False, counting
     * nothing, once stopped.
     */
    boolean page(Runnable count) {
        return locked(() -> {
            if (stopped) {
                return false;
            }
            int before = changes;
            count.run();
            if (changes > before) {
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

    boolean stopped() {
        return stopped;
    }

    /** Writes the checkpoint; false (logged once per failure streak, counted every time) when it could not be. */
    private boolean commit() {
        try {
            store.save(bot, toCheckpoint());
            changes = 0;
            if (persistFailing) {
                LOG.info("bot=" + bot + " checkpoint written again");
                persistFailing = false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (!persistFailing) {
                LOG.severe("bot=" + bot + " cannot write its checkpoint (" + e
                        + "): counts stay correct while the process runs, but a restart would re-read and count again");
                persistFailing = true;
            }
            checkpointFailed.run();
            return false;
        }
    }

    /** The checkpoint of everything above: what a restart resumes from (times as epoch millis). */
    private Checkpoint toCheckpoint() {
        Map<String, Long> wms = new HashMap<>();
        watermarks.forEach((k, v) -> wms.put(k, v.toEpochMilli()));
        Map<String, long[]> ids = new HashMap<>();
        seen.forEach((k, v) -> ids.put(k, v.pairs()));
        Map<String, Long> ends = new HashMap<>();
        sweepEnds.forEach((k, v) -> ends.put(k, v.toEpochMilli()));
        return new Checkpoint(Checkpoint.VERSION, botId, floor.toEpochMilli(), wms,
                ends.isEmpty() ? Map.of() : Map.of(Checkpoint.SWEEP_ENDS, ends), followed, containment.snapshot(),
                ids);
    }

    private void update(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void updateOldest() {
        oldestWatermark = watermarks.values().stream().min(Instant::compareTo).orElse(null);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
