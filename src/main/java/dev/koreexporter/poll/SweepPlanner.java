package dev.koreexporter.poll;

import dev.koreexporter.model.TimeWindow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans which window each stream reads in one cycle. Pure: the time and what the poller remembers go in,
 * windows come out; nothing is read or written here.
 *
 * <p>Each stream reads [watermark - lookback, now], at most {@link #CATCH_UP_STEP} past its watermark; a stream's
 * lookback is {@code poll.lookback}, or longer for some (sessions re-read {@code poll.session-horizon}, see
 * {@link Kind.Reach}). Re-reading the lookback is what costs requests: a busy bot's hour of sessions is several pages
 * of 1,000 (Agent AI: 20 a page), read again every 30 s. So a stream whose lookback held more than
 * {@link #CHEAP_SWEEP_PAGES} pages' worth of records at its last full read (a "sweep") sweeps only every
 * {@code poll.sweep-interval} (default {@code poll.lookback / 8}), from a lookback before the previous sweep's end,
 * and in between reads from one interval before its watermark. Data landing up to a lookback late is still read,
 * only up to a sweep interval later. Quiet streams sweep every cycle (README, "How it reads Kore.ai").
 *
 * <p>Busy is judged by what the lookback holds, counted with a {@link Tally}: only the records whose time lies
 * within a lookback of the window's end. A first backfill or a catch-up step reads far more than the lookback;
 * judged by all it returned, a quiet bot would be swept less often after every start and outage.
 */
final class SweepPlanner {
    /** Bounds one cycle's window while catching up (first backfill, after an outage). */
    static final Duration CATCH_UP_STEP = Duration.ofHours(6);
    /** A full read of the lookback is done every cycle while it returns at most this many pages' worth. */
    static final int CHEAP_SWEEP_PAGES = 3;

    /**
     * A stream's last full read of its lookback: when it started, the end of its window, and the records it
     * received whose time lies within a lookback of that end (see {@link Tally}).
     */
    record Sweep(Instant at, Instant end, int records) {
    }

    /**
     * Counts the records of one read that its lookback holds: those timed at or after the later of the
     * window's start and a lookback before its end. Records outside the window (a server may return them)
     * and sessions looked up by id (older than the window) are not counted.
     */
    static final class Tally {
        private final Instant from;
        private final Instant end;
        private int records;

        private Tally(Instant from, Instant end) {
            this.from = from;
            this.end = end;
        }

        void add(Instant time) {
            if (time != null && !time.isBefore(from) && !time.isAfter(end)) {
                records++;
            }
        }

        /** Records a read under way had tallied before a restart ({@link Progress}). */
        void addCounted(int n) {
            records += Math.max(0, n);
        }

        int records() {
            return records;
        }

        /** The sweep this read was, started at {@code at}. */
        Sweep sweep(Instant at) {
            return sweep(at, end);
        }

        /** The same, for a read that counts as complete only up to {@code readTo} (Kore.ai's clock behind ours). */
        Sweep sweep(Instant at, Instant readTo) {
            return new Sweep(at, readTo, records);
        }
    }

    /**
     * What the planner needs of one stream: its key, its page size (records, not requests, so that a server
     * capping pages lower than documented does not turn a quiet stream into a swept one), its floor (it reads
     * nothing older: the first start's, or later where its counted ids do not reach further back, see
     * {@link Positions}), the end of the last window it read completely (the floor before its first) and its last
     * sweep (null before the first).
     */
    record StreamState(String key, int pageSize, Instant floor, Instant watermark, Sweep lastSweep) {
    }

    /** One planned read. */
    record Read(String key, TimeWindow window, boolean sweep) {
    }

    private final Duration lookback;
    private final Duration interval;
    private final Duration sweepEvery;
    private final Map<String, Duration> lookbacks;

    /** With the default sweep interval, {@code lookback / 8}. */
    SweepPlanner(Duration lookback, Duration interval) {
        this(lookback, interval, lookback.dividedBy(8));
    }

    /** @param sweepInterval how often a busy stream sweeps its lookback */
    SweepPlanner(Duration lookback, Duration interval, Duration sweepInterval) {
        this(lookback, interval, sweepInterval, Map.of());
    }

    /** @param lookbacks the lookback of each stream (by key) that has one of its own, longer than {@code lookback} */
    SweepPlanner(Duration lookback, Duration interval, Duration sweepInterval, Map<String, Duration> lookbacks) {
        this.lookback = lookback;
        this.interval = interval;
        this.sweepEvery = sweepInterval;
        this.lookbacks = Map.copyOf(lookbacks);
    }

    /** {@code poll.lookback}: how far back streams without a lookback of their own re-read. */
    Duration lookback() {
        return lookback;
    }

    /** How far back the stream {@code key} re-reads. */
    Duration lookback(String key) {
        return lookbacks.getOrDefault(key, lookback);
    }

    /** A tally of the records of {@code read} its lookback holds, for the {@link Sweep} it will be. */
    Tally tally(Read read) {
        Instant end = read.window().to();
        return new Tally(max(read.window().from(), end.minus(lookback(read.key()))), end);
    }

    /** The reads of one cycle, in the order of {@code streams}; a stream with nothing to read is left out. */
    List<Read> plan(Instant now, List<StreamState> streams) {
        // One costly sweep per cycle, the most overdue first: streams due together take turns (a later sweep
        // still starts from its previous one, so waiting a cycle loses nothing).
        String costlySweep = mostOverdueCostlySweep(now, streams);
        List<Read> reads = new ArrayList<>();
        for (StreamState s : streams) {
            Duration lookback = lookback(s.key());
            Instant floor = s.floor();
            Instant start = max(floor, s.watermark().minus(lookback));
            Instant end = min(now, s.watermark().plus(CATCH_UP_STEP));
            if (end.isBefore(start)) {
                continue; // the clock is behind the watermark
            }
            TimeWindow full = new TimeWindow(start, end);
            Sweep last = s.lastSweep();
            boolean sweep = last == null || !costly(s) || full.to().isBefore(now) || s.key().equals(costlySweep);
            TimeWindow window;
            if (last == null) {
                window = full;
            } else if (sweep) {
                // From a lookback before the previous sweep's end, so lateness up to the lookback is still read.
                Instant from = max(floor, last.end().minus(lookback));
                window = new TimeWindow(min(from, full.from()), full.to());
            } else {
                // Clamped: after the clock stepped back, the watermark can be later than now.
                Instant since = min(s.watermark().minus(interval), full.to());
                window = new TimeWindow(max(since, full.from()), full.to());
            }
            reads.add(new Read(s.key(), window, sweep));
        }
        return reads;
    }

    /** The ids of stream {@code key} stay until no sweep can read them again: a lookback before the last sweep's end. */
    Instant keepIdsFrom(String key, Sweep lastSweep) {
        return lastSweep.end().minus(lookback(key));
    }

    private boolean costly(StreamState s) {
        return s.lastSweep().records() > CHEAP_SWEEP_PAGES * s.pageSize();
    }

    private String mostOverdueCostlySweep(Instant now, List<StreamState> streams) {
        String key = null;
        Instant oldest = null;
        for (StreamState s : streams) {
            Sweep last = s.lastSweep();
            if (last != null && costly(s) && !now.isBefore(last.at().plus(sweepEvery))
                    && (oldest == null || last.at().isBefore(oldest))) {
                key = s.key();
                oldest = last.at();
            }
        }
        return key;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
