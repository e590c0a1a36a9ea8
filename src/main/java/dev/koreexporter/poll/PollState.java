package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One bot's polling memory: the first-start floor, a watermark per stream, the ids counted inside the
 * lookback horizon, the active sessions being followed, and the recently closed sessions. Not
 * thread-safe: the poller guards it with its lock (the containment window has its own).
 */
final class PollState {
    private static final Logger LOG = Logger.getLogger(PollState.class.getName());
    /** A session still "active" a day after it started is not followed any longer. */
    private static final Duration MAX_FOLLOW = Duration.ofDays(1);
    private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final String botId;
    private final CheckpointStore store;
    private final Instant floor;
    private final Map<String, Instant> watermarks = new HashMap<>();
    private final Map<String, Instant> sweepEnds = new HashMap<>();
    private final Map<String, SeenIds> seen = new HashMap<>();
    private final Map<String, Long> active = new HashMap<>();
    private final ContainmentWindow containment;
    private int countedSinceCheckpoint;
    private volatile Instant oldestWatermark;
    private boolean persistFailing;

    private PollState(String botId, CheckpointStore store, Instant floor, ContainmentWindow containment) {
        this.botId = botId;
        this.store = store;
        this.floor = floor;
        this.containment = containment;
    }

    /** @throws UncheckedIOException (of a {@link CorruptCheckpointException}) when the bot's checkpoint cannot be used */
    static PollState restore(ExporterConfig.Bot bot, CheckpointStore store, Instant newFloor, Duration containmentWindow) {
        Checkpoint cp = null;
        try {
            cp = store.load(bot.name()).orElse(null);
        } catch (CorruptCheckpointException e) {
            // Never start afresh over a checkpoint that exists: that would re-count the backfill and overwrite
            // the file. The bot stops instead (README "Reliability and security"); see BotSlot.
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            // The state dir itself is broken (not a directory, I/O error): no checkpoint can be there. Counting
            // goes on; the failing writes show in kore_exporter_checkpoint_errors_total and /health/ready.
            LOG.severe("bot=" + bot.name() + " cannot read its checkpoint, starting afresh: " + e.getMessage());
        }
        if (cp != null && !bot.id().equals(cp.botId())) {
            LOG.warning("bot=" + bot.name() + " checkpoint belongs to another bot id, starting afresh");
            cp = null;
        }
        if (cp == null) {
            LOG.info("bot=" + bot.name() + " no checkpoint: first cycle backfills from " + newFloor);
            return new PollState(bot.id(), store, newFloor, new ContainmentWindow(containmentWindow, List.of()));
        }
        PollState s = new PollState(bot.id(), store, Instant.ofEpochMilli(cp.floor()),
                new ContainmentWindow(containmentWindow, cp.closedSessions()));
        cp.watermarks().forEach((k, v) -> s.watermarks.put(k, Instant.ofEpochMilli(v)));
        cp.seen().forEach((k, v) -> {
            if (k.equals(Checkpoint.SWEEP_ENDS)) {
                v.forEach((key, end) -> s.sweepEnds.put(key, Instant.ofEpochMilli(end)));
            } else {
                s.seen.put(k, SeenIds.ofIds(v));
            }
        });
        cp.seenHashes().forEach((k, v) -> {
            if (!k.equals(Checkpoint.SWEEP_ENDS)) { // 0.2.0 writes the entry back hashed: nothing to use
                s.seen.put(k, SeenIds.ofPairs(v));
            }
        });
        s.active.putAll(cp.activeSessions());
        s.updateOldest();
        LOG.info("bot=" + bot.name() + " resumed from checkpoint, watermark " + s.oldestWatermark);
        return s;
    }

    /** End of the last window a stream read completely (the backfill floor before its first). */
    Instant watermark(String key) {
        return watermarks.getOrDefault(key, floor);
    }

    /** End of the stream's last sweep (of its whole lookback); null when none is known. */
    Instant lastSweepEnd(String key) {
        return sweepEnds.get(key);
    }

    /** The stream has swept its lookback up to {@code end}: after a restart its first read reaches back from there. */
    void swept(String key, Instant end) {
        sweepEnds.put(key, end);
    }

    /** The stream has read everything up to {@code end}; ids older than {@code keepFrom} will not be read again. */
    void completed(String key, Instant end, Instant keepFrom) {
        watermarks.put(key, end);
        SeenIds ids = seen.get(key);
        if (ids != null) {
            ids.pruneBefore(max(floor, keepFrom));
        }
        containment.prune(end);
        updateOldest();
    }

    Instant floor() {
        return floor;
    }

    boolean markSeen(String key, String id, Instant time) {
        boolean added = seen.computeIfAbsent(key, k -> new SeenIds()).add(id, time);
        if (added) {
            countedSinceCheckpoint++;
        }
        return added;
    }

    /**
     * {@link #markSeen} for a message read by the stream {@code key}: de-duplicated per bot, not per stream,
     * as a server that ignores {@code channelType} returns one channel's messages to every channel's stream.
     * The checkpoint keeps one id set per stream, as 0.2.0 wrote it (README, "How it reads Kore.ai"); an id
     * is remembered under the stream that first read it and looked for under every message stream.
     */
    boolean markMessageSeen(String key, String id, Instant time) {
        long hash = SeenIds.hash(id);
        for (Map.Entry<String, SeenIds> e : seen.entrySet()) {
            if (e.getKey().startsWith(MessageStream.KEY_PREFIX) && !e.getKey().equals(key)
                    && e.getValue().containsHash(hash)) {
                return false;
            }
        }
        return markSeen(key, id, time);
    }

    /** A session rejected or excluded for good: remembered like a counted one, so it is never looked at again. */
    void dropSession(Session s) {
        // A rejected session's start may lie beyond what epoch milliseconds hold: kept at the nearest end.
        Instant start = s.start().isAfter(MAX_MILLIS) ? MAX_MILLIS : s.start().isBefore(MIN_MILLIS) ? MIN_MILLIS
                : s.start();
        markSeen(SessionStream.KEY, s.id(), start);
        active.remove(s.id());
    }

    boolean sessionCounted(String id) {
        SeenIds ids = seen.get(SessionStream.KEY);
        return ids != null && ids.contains(id);
    }

    void follow(Session s) {
        if (active.putIfAbsent(s.id(), s.start().toEpochMilli()) == null) {
            countedSinceCheckpoint++;
        }
    }

    void unfollow(String id) {
        active.remove(id);
    }

    void countSession(Session s) {
        markSeen(SessionStream.KEY, s.id(), s.start());
        active.remove(s.id());
        containment.add(s.end(), s.containment());
    }

    /** Followed sessions the window no longer covers: they must be looked up by id. */
    List<String> sessionsToLookUp(Instant windowStart) {
        long from = windowStart.toEpochMilli();
        long tooOld = windowStart.minus(MAX_FOLLOW).toEpochMilli();
        active.values().removeIf(start -> start < tooOld);
        List<String> ids = new ArrayList<>();
        active.forEach((id, start) -> {
            if (start < from) {
                ids.add(id);
            }
        });
        return ids;
    }

    ContainmentWindow containment() {
        return containment;
    }

    Instant oldestWatermark() {
        return oldestWatermark;
    }

    int countedSinceCheckpoint() {
        return countedSinceCheckpoint;
    }

    int seenCount() {
        return seen.values().stream().mapToInt(SeenIds::size).sum();
    }

    /** Writes the checkpoint; false (logged once per failure streak) when it could not be written. */
    boolean persist(String botName) {
        Map<String, Long> wms = new HashMap<>();
        watermarks.forEach((k, v) -> wms.put(k, v.toEpochMilli()));
        Map<String, long[]> ids = new HashMap<>();
        seen.forEach((k, v) -> ids.put(k, v.pairs()));
        Map<String, Long> ends = new HashMap<>();
        sweepEnds.forEach((k, v) -> ends.put(k, v.toEpochMilli()));
        Checkpoint cp = new Checkpoint(Checkpoint.VERSION, botId, floor.toEpochMilli(), wms,
                ends.isEmpty() ? Map.of() : Map.of(Checkpoint.SWEEP_ENDS, ends), active, containment.snapshot(), ids);
        try {
            store.save(botName, cp);
            countedSinceCheckpoint = 0;
            if (persistFailing) {
                LOG.info("bot=" + botName + " checkpoint written again");
                persistFailing = false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (!persistFailing) {
                LOG.severe("bot=" + botName + " cannot write its checkpoint (" + e
                        + "): counts stay correct while the process runs, but a restart would re-read and count again");
                persistFailing = true;
            }
            return false;
        }
    }

    private void updateOldest() {
        oldestWatermark = watermarks.values().stream().min(Instant::compareTo).orElse(null);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
