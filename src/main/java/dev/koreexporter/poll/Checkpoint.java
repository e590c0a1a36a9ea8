package dev.koreexporter.poll;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.koreexporter.config.Shard;
import dev.koreexporter.metrics.store.BotSeriesState;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a bot's poller must remember across restarts, times as epoch millis: the first-start floor (older
 * records are never counted), the end of the last window read completely per stream, the ids counted
 * inside what each stream's re-reads can return, the active sessions 0.3.0 followed (id to start; written empty since
 * 0.4.0, which re-reads sessions over poll.session-horizon instead) and the recently closed
 * sessions behind kore_containment_ratio. Counted ids are kept as hash/time pairs per stream
 * ({@code seenHashes}, since version 2); {@code seen} (id to time) is still read from version 1 files.
 *
 * <p>The end of each stream's last sweep (stream key to time; see {@link SweepPlanner}) is kept in {@code seen}
 * under the key {@link #SWEEP_ENDS}, not in a field of its own: 0.2.0 rejects unknown fields and would start
 * afresh, while it reads this entry as the ids of a stream it does not have and writes it back hashed in
 * {@code seenHashes}, where it is ignored (README, "How it reads Kore.ai": 0.2.0 and 0.3.0 read each other's
 * checkpoints). Files without it are read as before. The reads under way ({@link #READS}) and the page hints
 * ({@link #PAGE_HINTS}) are kept the same way, for the same reason; 0.3.0 reads such a file and resumes from the
 * watermarks (re-reading the window under way from its start); it writes these entries back hashed in
 * {@code seenHashes}, where this version ignores them. A further optional part can be added the same way: an entry
 * of {@code seen} of its own, numbers by name (a double as its bits, {@link Double#doubleToLongBits}).
 *
 * <p>The shard layout the file was written under ({@code --shard index/count}, 0/1 without it) is kept the same way,
 * under {@link #SHARD_LAYOUT}, with {@code movedUnder} once the replica that wrote it no longer polls the bot
 * (README "Running several replicas"). 0.3.0 writes it back hashed, which reads as a file without it.
 *
 * <p>Since version 3 the file also carries the cumulative values of the bot's kore_* counters and histograms
 * ({@code series}, what {@code KoreMetrics#export} gives), written with everything else in one atomic file write, so
 * a restart or a takeover continues them instead of resetting them (README "Reliability and security"). They are a
 * top-level field and the version went up, rather than an entry of {@code seen}: they are numbers of a structure
 * (metric, series, buckets, native buckets), which an entry of {@code seen} could only hold as text in map keys,
 * parsed by hand, or as one entry per series that 0.3.0 would keep as the hashed ids of hundreds of streams in every
 * file it writes. And compatibility would buy little: 0.3.0 cannot continue the series anyway, and 0.3.0 (and 0.2.0)
 * reject a file with an unknown field as well as one of an unknown version, so that bot stops ("unknown version 3"),
 * its file untouched, and nothing is counted twice. To downgrade, stop the exporter and remove {@code series} and set
 * {@code version} to 2 in each file (README "Changelog", 0.4.0): 0.3.0 then resumes the rest exactly. A file of
 * version 1 or 2, or one without {@code series}, is read as before and its bot's series start from zero once. The
 * values are {@link BotSeriesState} as it is, already arrays of numbers (a count per classic bucket, native buckets as
 * index gaps and counts): about 400 bytes a series, 11 % of a busy bot's file (README "Reliability and security",
 * docs/reliability.md); a denser native encoding would save a fifth of that, about 3 % of the file, too little for a
 * second encoding of the same values.
 */
public record Checkpoint(int version,
                         String botId,
                         long floor,
                         Map<String, Long> watermarks,
                         Map<String, Map<String, Long>> seen,
                         Map<String, Long> activeSessions,
                         List<ContainmentWindow.Entry> closedSessions,
                         Map<String, long[]> seenHashes,
                         @JsonInclude(JsonInclude.Include.NON_NULL) BotSeriesState series) {
    static final int VERSION = 3;
    /** Not a stream key: those are {@code sessions}, {@code conversations} and {@code messages:<channel>}. */
    static final String SWEEP_ENDS = "sweepEnds";
    /** The reads under way and how far each got ({@link Progress}); not a stream key either. */
    static final String READS = "readsUnderWay";
    /** What the client learnt of where records lie in its listings (Agent AI's page cursors). */
    static final String PAGE_HINTS = "pageHints";
    /** Not a stream key either. */
    static final String SHARD_LAYOUT = "shardLayout";
    /** From when each stream's ids are complete ({@link Positions}); not a stream key either. */
    static final String IDS_FROM = "idsFrom";
    private static final String INDEX = "index";
    private static final String COUNT = "count";
    private static final String MOVED_UNDER = "movedUnder";
    /** The entries of {@code seen} that hold no ids: older versions read and write them back as a stream's ids. */
    private static final Set<String> NOT_IDS = Set.of(SWEEP_ENDS, READS, PAGE_HINTS, SHARD_LAYOUT, IDS_FROM);

    public Checkpoint {
        watermarks = Map.copyOf(watermarks);
        seen = seen == null ? Map.of() : Map.copyOf(seen);
        seenHashes = seenHashes == null ? Map.of() : Map.copyOf(seenHashes);
        activeSessions = Map.copyOf(activeSessions);
        closedSessions = List.copyOf(closedSessions);
        // A stamp that names no layout makes the file unreadable (FileCheckpointStore#load), not "another layout".
        layoutOf(seen);
        if (seen.getOrDefault(SHARD_LAYOUT, Map.of()).getOrDefault(MOVED_UNDER, 1L) < 1) {
            throw new IllegalArgumentException("shard layout: movedUnder below 1");
        }
    }

    /**
     * The {@code seen} entries that hold no ids, each left out while empty, and the shard layout. {@code idsFrom} is
     * written even when empty: a file without it was written before it existed (see {@link #idsFrom}).
     */
    static Map<String, Map<String, Long>> notIds(Map<String, Long> sweepEnds, Map<String, Long> reads,
                                                 Map<String, Long> pageHints, Shard layout, Map<String, Long> idsFrom) {
        Map<String, Map<String, Long>> out = new HashMap<>();
        Map.of(SWEEP_ENDS, sweepEnds, READS, reads, PAGE_HINTS, pageHints).forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v);
            }
        });
        out.put(SHARD_LAYOUT, Map.of(INDEX, (long) layout.index(), COUNT, (long) layout.count()));
        out.put(IDS_FROM, Map.copyOf(idsFrom));
        return out;
    }

    /** The ids counted per stream key, from either version. */
    Map<String, SeenIds> seenIds() {
        Map<String, SeenIds> ids = new HashMap<>();
        seen.forEach((key, v) -> {
            if (!NOT_IDS.contains(key)) {
                ids.put(key, SeenIds.ofIds(v));
            }
        });
        seenHashes.forEach((key, v) -> {
            if (!NOT_IDS.contains(key)) { // 0.2.0 and 0.3.0 write these entries back hashed: nothing to use
                ids.put(key, SeenIds.ofPairs(v));
            }
        });
        return ids;
    }

    /** The end of each stream's last sweep, by stream key; empty in files without it. */
    Map<String, Long> sweepEnds() {
        return seen.getOrDefault(SWEEP_ENDS, Map.of());
    }

    /** The reads under way ({@link Progress}); empty in files without them. */
    Map<String, Long> reads() {
        return seen.getOrDefault(READS, Map.of());
    }

    /**
     * From when each stream's counted ids are complete (epoch millis by stream key); empty for a file written before
     * 0.4.0 kept it, whose ids reach {@code poll.lookback} before each stream's last sweep.
     */
    Optional<Map<String, Long>> idsFrom() {
        return Optional.ofNullable(seen.get(IDS_FROM));
    }

    /** What the client learnt of its listings' pages; empty in files without it. */
    Map<String, Long> pageHints() {
        return seen.getOrDefault(PAGE_HINTS, Map.of());
    }

    /** The layout the file was written under; empty in files of 0.3.0 and earlier. */
    Optional<Shard> shardLayout() {
        return layoutOf(seen);
    }

    private static Optional<Shard> layoutOf(Map<String, Map<String, Long>> seen) {
        Map<String, Long> stamp = seen.get(SHARD_LAYOUT);
        if (stamp == null || stamp.get(INDEX) == null || stamp.get(COUNT) == null) {
            return Optional.empty();
        }
        return Optional.of(new Shard(Math.toIntExact(stamp.get(INDEX)), Math.toIntExact(stamp.get(COUNT))));
    }

    /** The shard count under which the replica that wrote the file stopped polling the bot. */
    OptionalInt movedUnder() {
        Long count = seen.getOrDefault(SHARD_LAYOUT, Map.of()).get(MOVED_UNDER);
        return count == null ? OptionalInt.empty() : OptionalInt.of(Math.toIntExact(count));
    }

    /**
     * Why a replica polling under {@code layout} must start the bot afresh instead of resuming this file, or empty
     * when it may resume it: it was written under this very layout (shard index and count), and the replica that
     * wrote it has not stopped polling the bot since, so no other replica counted it meanwhile. A file of 0.3.0, whose
     * {@code --shard} placed bots by CRC32, is resumed only without {@code --shard}.
     */
    Optional<String> foreignTo(Shard layout) {
        if (movedUnder().isPresent()) {
            return Optional.of("the replica that wrote the checkpoint stopped polling the bot when the shard count"
                    + " became " + movedUnder().getAsInt() + ", so another replica may have counted it since");
        }
        Optional<Shard> written = shardLayout();
        if (written.isEmpty()) {
            return layout.sharded() ? Optional.of("the checkpoint was written by 0.3.0 or earlier, whose --shard"
                    + " placed bots by another rule") : Optional.empty();
        }
        if (!written.get().equals(layout)) {
            return Optional.of("the checkpoint was written under " + describe(written.get()) + " and this replica polls"
                    + " under " + describe(layout) + ", so another replica may have counted the bot meanwhile");
        }
        return Optional.empty();
    }

    /** This file, marked: the replica that wrote it no longer polls the bot under {@code layout}. */
    Checkpoint movedAway(Shard layout) {
        Map<String, Map<String, Long>> marked = new HashMap<>(seen);
        Map<String, Long> stamp = new LinkedHashMap<>(seen.getOrDefault(SHARD_LAYOUT, Map.of()));
        stamp.put(MOVED_UNDER, (long) layout.count());
        marked.put(SHARD_LAYOUT, stamp);
        return new Checkpoint(version, botId, floor, watermarks, marked, activeSessions, closedSessions, seenHashes,
                series);
    }

    private static String describe(Shard layout) {
        return layout.sharded() ? "--shard " + layout : "no --shard";
    }
}
