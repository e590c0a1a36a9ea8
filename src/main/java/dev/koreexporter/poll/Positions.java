package dev.koreexporter.poll;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each of a bot's streams is (README "How it reads Kore.ai"): the first-start floor, the end of the last
 * window each read completely (its watermark), its last sweep of the lookback, and from when its counted ids are
 * complete. Watermarks, sweep ends and those times are kept for every stream of the checkpoint, configured or not (a
 * channel removed and added back resumes where it was); sweeps for configured streams only. Part of a bot's
 * {@link BotLedger}: not thread-safe, guarded by the ledger's lock.
 *
 * <p>A stream never reads back further than its counted ids reach, or a record counted before, whose id is
 * forgotten, would be counted again. Its ids reach a lookback before its last sweep's end, and that is as far as
 * its re-reads go, unless the run that kept them re-read less far: a checkpoint of 0.3.0 kept the sessions' ids
 * for {@code poll.lookback} only, and {@code poll.session-horizon} or {@code poll.lookback} may have been raised
 * since. So the checkpoint says from when each stream's ids are complete, and a stream reads nothing older than
 * that (its floor); a file without it kept them for {@code poll.lookback}.
 */
final class Positions {
    private final SweepPlanner planner;
    /** The scope of each configured stream, by key: ids are kept while a stream of their scope may read them. */
    private final Map<String, String> scopes = new HashMap<>();
    private final Instant floor;
    private final Map<String, Instant> watermarks = new HashMap<>();
    private final Map<String, Instant> sweepEnds = new HashMap<>();
    private final Map<String, SweepPlanner.Sweep> sweeps = new HashMap<>();
    /** From when each stream's counted ids are complete: older ones may have been forgotten. */
    private final Map<String, Instant> idsFrom = new HashMap<>();
    private volatile Instant oldest;

    /** A bot's first start: nothing read yet. */
    Positions(SweepPlanner planner, List<Stream<?>> streams, Instant floor) {
        this(planner, streams, floor, Map.of(), Map.of(), null, null);
    }

    /**
     * @param watermarks as the checkpoint keeps them (epoch millis by stream key), and {@code sweepEnds} and
     *                   {@code idsFrom} too ({@code idsFrom} null for a file without them)
     * @param now        the previous run's last sweeps count as made now: what they held is not known, so each
     *                   stream's first read is a sweep, reaching back a lookback before the last one's end (or
     *                   what landed late after it would never be read)
     */
    Positions(SweepPlanner planner, List<Stream<?>> streams, Instant floor, Map<String, Long> watermarks,
              Map<String, Long> sweepEnds, Map<String, Long> idsFrom, Instant now) {
        this.planner = planner;
        this.floor = floor;
        streams.forEach(s -> scopes.put(s.key(), s.kind().scope()));
        watermarks.forEach((k, v) -> this.watermarks.put(k, Instant.ofEpochMilli(v)));
        sweepEnds.forEach((k, v) -> {
            this.sweepEnds.put(k, Instant.ofEpochMilli(v));
            if (scopes.containsKey(k)) {
                sweeps.put(k, new SweepPlanner.Sweep(now, Instant.ofEpochMilli(v), 0));
            }
        });
        if (idsFrom != null) {
            idsFrom.forEach((k, v) -> this.idsFrom.put(k, Instant.ofEpochMilli(v)));
        } else {
            // Written before these times were kept: its ids reach poll.lookback before its last full read.
            this.watermarks.forEach((k, w) -> this.idsFrom.put(k,
                    this.sweepEnds.getOrDefault(k, w).minus(planner.lookback())));
        }
        updateOldest();
    }

    Instant floor() {
        return floor;
    }

    /** The oldest watermark of all streams; null before any read. Safe to read from any thread. */
    Instant oldest() {
        return oldest;
    }

    /** End of the last window a stream read completely (the backfill floor before its first). */
    Instant watermark(String key) {
        return watermarks.getOrDefault(key, floor);
    }

    /** What the planner needs of a stream whose pages hold {@code pageSize} records. */
    SweepPlanner.StreamState state(String key, int pageSize) {
        return new SweepPlanner.StreamState(key, pageSize, floor(key), watermark(key), sweeps.get(key));
    }

    /** The oldest time the stream reads: the first start's floor, or later where its counted ids do not reach. */
    private Instant floor(String key) {
        Instant complete = idsFrom.get(key);
        return complete != null && complete.isAfter(floor) ? complete : floor;
    }

    /** After the clock stepped back: a sweep "later" than now would hold the next one back by the step. */
    void notAfter(Instant now) {
        sweeps.replaceAll((k, s) -> s.at().isAfter(now) ? new SweepPlanner.Sweep(now, s.end(), s.records()) : s);
    }

    /** The stream has read {@code read} up to {@code end}; a sweep's records were counted by {@code tally}. */
    void completed(String key, SweepPlanner.Read read, SweepPlanner.Tally tally, Instant now, Instant end) {
        watermarks.put(key, end);
        if (read.sweep()) {
            sweeps.put(key, tally.sweep(now, end));
            sweepEnds.put(key, end);
        }
        updateOldest();
    }

    /**
     * From when the stream's ids must be kept. Ids of a scope are looked for across all its streams, so each
     * stream's ids stay until no stream of the scope can read them again: the earliest of their horizons (a
     * stream not read yet in this process would start a lookback before its watermark), each never before that
     * stream's floor.
     */
    Instant keepIdsFrom(String key) {
        Instant from = floor;
        boolean first = true;
        for (Map.Entry<String, String> s : scopes.entrySet()) {
            if (s.getValue().equals(scopes.get(key))) {
                SweepPlanner.Sweep last = sweeps.get(s.getKey());
                Instant next = planner.keepIdsFrom(s.getKey(), last != null ? last
                        : new SweepPlanner.Sweep(null, watermark(s.getKey()), 0));
                Instant streamFloor = floor(s.getKey());
                next = next.isBefore(streamFloor) ? streamFloor : next;
                from = first || next.isBefore(from) ? next : from;
                first = false;
            }
        }
        return from.isBefore(floor) ? floor : from;
    }

    /**
     * The stream's ids are about to be forgotten before {@link #keepIdsFrom}: returns that time, and from now on its ids
     * count as complete only from there.
     */
    Instant forgetIdsBefore(String key) {
        Instant from = keepIdsFrom(key);
        idsFrom.merge(key, from, (a, b) -> a.isAfter(b) ? a : b);
        return from;
    }

    /** From when each stream's ids are complete, as the checkpoint keeps it. */
    Map<String, Long> idsFromMillis() {
        return millis(idsFrom);
    }

    /** Watermarks as the checkpoint keeps them. */
    Map<String, Long> watermarkMillis() {
        return millis(watermarks);
    }

    /** Ends of the last sweeps as the checkpoint keeps them. */
    Map<String, Long> sweepEndMillis() {
        return millis(sweepEnds);
    }

    private static Map<String, Long> millis(Map<String, Instant> times) {
        Map<String, Long> out = new HashMap<>();
        times.forEach((k, v) -> out.put(k, v.toEpochMilli()));
        return out;
    }

    private void updateOldest() {
        oldest = watermarks.values().stream().min(Instant::compareTo).orElse(null);
    }
}
