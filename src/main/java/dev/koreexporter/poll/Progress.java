package dev.koreexporter.poll;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.ReadPosition;
import dev.koreexporter.model.TimeWindow;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The read each stream has under way and how far it got (README "How it reads Kore.ai"): the planned read, the
 * endpoint its pages come from, its {@link SweepPlanner.Tally} and the {@link ReadPosition} after the last page
 * counted. It goes into the checkpoint with that page, so a long backfill or catch-up that is restarted goes on from
 * there instead of reading its window from the start again. Part of a bot's {@link BotLedger}: not thread-safe,
 * guarded by the ledger's lock.
 *
 * <p>In the checkpoint it is one entry of {@code seen} ({@link Checkpoint#READS}), for the reason the sweep ends
 * are: earlier versions read it as the ids of a stream they do not have and carry on from the watermarks.
 */
final class Progress {
    /** A read under way; {@code at} moves with every page counted. */
    static final class InFlight {
        private final SweepPlanner.Read read;
        private final SweepPlanner.Tally tally;
        private Endpoint endpoint;
        private ReadPosition at;

        private InFlight(SweepPlanner.Read read, SweepPlanner.Tally tally, Endpoint endpoint, ReadPosition at) {
            this.read = read;
            this.tally = tally;
            this.endpoint = endpoint;
            this.at = at;
        }

        SweepPlanner.Read read() {
            return read;
        }

        SweepPlanner.Tally tally() {
            return tally;
        }

        /** Where to go on from when reading with {@code current}: the start, if the pages came from another endpoint. */
        ReadPosition from(Endpoint current) {
            return current == endpoint ? at : ReadPosition.START;
        }
    }

    private static final String FROM = "from";
    private static final String TO = "to";
    private static final String FLAGS = "flags";
    private static final String PART = "part";
    private static final String AT = "at";
    private static final String TALLY = "tally";
    private static final String ENDPOINT = "endpoint";
    private static final long SWEEP = 1;

    private final SweepPlanner planner;
    private final Map<String, InFlight> reads = new HashMap<>();

    /** From the checkpoint's entry ({@code <stream key>|<field>} to a number), for the configured streams only. */
    Progress(SweepPlanner planner, Set<String> streams, Map<String, Long> saved) {
        this.planner = planner;
        for (String key : streams) {
            Long from = saved.get(key + "|" + FROM);
            Long to = saved.get(key + "|" + TO);
            Long part = saved.get(key + "|" + PART);
            Long at = saved.get(key + "|" + AT);
            Endpoint endpoint = endpoint(saved.get(key + "|" + ENDPOINT));
            if (from == null || to == null || part == null || at == null || endpoint == null || from > to
                    || part < 0 || at < ReadPosition.FROM_START) {
                continue;
            }
            long flags = saved.getOrDefault(key + "|" + FLAGS, 0L);
            // 0.3.0 also flagged reads followed by lookups of active sessions by id (2): there are none any more.
            SweepPlanner.Read read = new SweepPlanner.Read(key,
                    new TimeWindow(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)), (flags & SWEEP) != 0);
            SweepPlanner.Tally tally = planner.tally(read);
            tally.addCounted(saved.getOrDefault(key + "|" + TALLY, 0L).intValue());
            reads.put(key, new InFlight(read, tally, endpoint,
                    new ReadPosition((int) Math.min(part, Integer.MAX_VALUE), (int) Math.min(at, Integer.MAX_VALUE))));
        }
    }

    /**
     * The read a stream does now: the one it has under way, if any (and not later than {@code now}: after the clock
     * stepped back it is planned afresh), else {@code planned}, begun with {@code endpoint}.
     */
    InFlight begin(SweepPlanner.Read planned, Endpoint endpoint, Instant now) {
        InFlight current = reads.get(planned.key());
        if (current != null && !current.read.window().to().isAfter(now)) {
            return current;
        }
        InFlight fresh = new InFlight(planned, planner.tally(planned), endpoint, ReadPosition.START);
        reads.put(planned.key(), fresh);
        return fresh;
    }

    /** A page of the stream's read was counted: it goes on from {@code next}, on {@code endpoint}. */
    void moved(String key, Endpoint endpoint, ReadPosition next) {
        InFlight current = reads.get(key);
        if (current != null) {
            current.endpoint = endpoint;
            current.at = next;
        }
    }

    /** The stream's read is complete. */
    void done(String key) {
        reads.remove(key);
    }

    /** As the checkpoint keeps it. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new HashMap<>();
        reads.forEach((key, r) -> {
            out.put(key + "|" + FROM, r.read.window().from().toEpochMilli());
            out.put(key + "|" + TO, r.read.window().to().toEpochMilli());
            out.put(key + "|" + FLAGS, r.read.sweep() ? SWEEP : 0);
            out.put(key + "|" + PART, (long) r.at.part());
            out.put(key + "|" + AT, (long) r.at.at());
            out.put(key + "|" + TALLY, (long) r.tally.records());
            out.put(key + "|" + ENDPOINT, code(r.endpoint));
        });
        return out;
    }

    /** An endpoint as a number that stays when endpoints are added or reordered: the hash of its label. */
    private static long code(Endpoint endpoint) {
        return SeenIds.hash(endpoint.label());
    }

    private static Endpoint endpoint(Long code) {
        for (Endpoint e : Endpoint.values()) {
            if (code != null && code(e) == code) {
                return e;
            }
        }
        return null;
    }
}
