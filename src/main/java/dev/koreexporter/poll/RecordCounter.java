package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.TurnExemplar;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.ExclusionReason;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;
import dev.koreexporter.model.Session;
import dev.koreexporter.tracing.SpanRef;
import dev.koreexporter.tracing.TurnTracer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Counts what the streams read, for one bot: every record not counted before goes to the metrics and the
 * tracer, and the state is checkpointed after every page that counted something, so a crash repeats at
 * most one page. Holds the bot's lock: pages are counted under it, and {@link #stop} takes it, so the final
 * checkpoint never races a page being counted. Once stopped, nothing more is counted.
 */
final class RecordCounter {
    /** The poller's log category, as in 0.2.0: users filter and route these lines by it. */
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final ExporterConfig.Bot bot;
    private final KoreMetrics metrics;
    private final TurnTracer tracer;
    private final PollState state;
    private final boolean includeDeveloper;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Rejection> loggedRejections = new HashSet<>();
    private final Clock clock;
    private static final Rejection SEGMENT_BAD_VALUE = new Rejection(RecordKind.SEGMENT, RejectionReason.BAD_VALUE);
    private static final Rejection SESSION_BAD_VALUE = new Rejection(RecordKind.SESSION, RejectionReason.BAD_VALUE);

    private CycleCounts counts = new CycleCounts();
    private volatile boolean stopped;
    /** The records of the read in progress its lookback holds (the sweep policy judges busy by them). */
    private SweepPlanner.Tally tally;
    /** Whether record delays are observed this cycle: only while the bot is caught up (README, "Metrics"). */
    private boolean observeDelays;

    /** @param includeDeveloper {@code filters.include-developer}: count Bot Builder test traffic too */
    RecordCounter(ExporterConfig.Bot bot, KoreMetrics metrics, TurnTracer tracer, PollState state, Clock clock,
                  boolean includeDeveloper) {
        this.bot = bot;
        this.metrics = metrics;
        this.tracer = tracer;
        this.state = state;
        this.includeDeveloper = includeDeveloper;
        this.clock = clock;
    }

    /** Starts a read: the records it is handed from now on are tallied into {@code tally}. */
    void reading(SweepPlanner.Tally tally) {
        this.tally = tally;
    }

    /** Whether this cycle observes kore_exporter_record_delay_seconds for what it counts (the bot is caught up). */
    void observeDelays(boolean observe) {
        this.observeDelays = observe;
    }

    /** Starts a cycle's counts (for its log line). */
    CycleCounts newCycle() {
        counts = new CycleCounts();
        return counts;
    }

    boolean stopped() {
        return stopped;
    }

    /**
     * Counts each page of a listing as it arrives, {@code each} called for each of its records under the
     * lock. Returns the records received; stops reading once the poller is stopped.
     */
    <T> int count(Iterable<Page<T>> pages, Consumer<T> each) {
        int received = 0;
        for (Page<T> page : pages) {
            received += page.received();
            if (!page(page, () -> page.records().forEach(each))) {
                break;
            }
        }
        return received;
    }

    /**
     * Counts one page under the lock, then checkpoints if it counted anything: the checkpoint never lags
     * the metrics by more than this page. False, counting nothing, once stopped.
     */
    boolean page(Page<?> page, Runnable count) {
        lock.lock();
        try {
            if (stopped) {
                return false;
            }
            page.rejections().forEach(this::rejected);
            int before = state.countedSinceCheckpoint();
            count.run();
            if (state.countedSinceCheckpoint() > before && !persist()) {
                metrics.checkpointFailed(bot.name());
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A closed session is counted once; an active one is followed until it closes. A developer session (unless
     * included) is excluded and one with impossible times rejected, each once, when first seen. Under the lock.
     */
    void session(Session s) {
        tallied(s.start());
        if (state.sessionCounted(s.id())) {
            duplicate(RecordKind.SESSION);
        } else if (s.developer() && !includeDeveloper) {
            // Before the time checks: left out whatever its times, as it is when first seen active.
            state.dropSession(s);
            excluded(RecordKind.SESSION);
        } else if (s.badTimes()) {
            state.dropSession(s);
            rejected(SESSION_BAD_VALUE);
        } else if (s.active()) {
            state.follow(s);
        } else {
            state.countSession(s);
            metrics.sessionClosed(bot.name(), s);
            tracer.sessionClosed(bot, s);
            counts.sessions++;
            counts.counted++;
            delay(RecordKind.SESSION, s.end());
        }
    }

    /** Followed sessions a window from {@code windowStart} no longer covers: they must be looked up by id. */
    List<String> sessionsToLookUp(Instant windowStart) {
        return locked(() -> state.sessionsToLookUp(windowStart));
    }

    /** Ids Kore.ai no longer knows are not looked up again. Under the lock. */
    void unfollow(List<String> ids) {
        ids.forEach(state::unfollow);
    }

    /**
     * Counts a message (and its turn) read by the stream {@code key}, unless this bot counted it before,
     * whichever stream read it. Latency values dropped as invalid are one rejection of the message, counted
     * with it; a developer message (unless included) is excluded, once. Under the lock.
     */
    void message(String key, Message m) {
        tallied(m.createdOn());
        if (!state.markMessageSeen(key, m.id(), m.createdOn())) {
            duplicate(RecordKind.MESSAGE);
            return;
        }
        if (m.developer() && !includeDeveloper) {
            excluded(RecordKind.MESSAGE);
            return;
        }
        if (!m.droppedLatency().isEmpty()) {
            rejected(SEGMENT_BAD_VALUE);
        }
        metrics.message(bot.name(), m);
        tracer.incoming(bot, m);
        if (m.isTurn()) {
            SpanRef span = m.tracedTurn() ? tracer.turn(bot, m) : null;
            metrics.turn(bot.name(), m, span == null ? null : new TurnExemplar(span.traceId(), span.spanId()));
            counts.turns++;
        }
        counts.messages++;
        counts.counted++;
        delay(RecordKind.MESSAGE, m.createdOn());
    }

    /** Counts an Agent AI conversation read by the stream {@code key}, unless counted before. Under the lock. */
    void conversation(String key, AgentAiConversation c) {
        tallied(c.startTime());
        if (!firstSeen(key, RecordKind.CONVERSATION, c.id(), c.startTime())) {
            return;
        }
        metrics.conversation(bot.name(), c);
        counts.conversations++;
        counts.counted++;
        delay(RecordKind.CONVERSATION, c.startTime());
    }

    /** Runs {@code action} under the lock. */
    <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** Checkpoints unless stopped (then the final checkpoint is written already); false when the write failed. */
    boolean checkpoint() {
        boolean ok = locked(() -> stopped || persist());
        if (!ok) {
            metrics.checkpointFailed(bot.name());
        }
        return ok;
    }

    /** Writes the checkpoint now and stops counting: called on shutdown, from another thread. */
    void stop() {
        locked(() -> {
            stopped = true;
            if (!persist()) {
                metrics.checkpointFailed(bot.name());
            }
            return null;
        });
    }

    /** Writes the checkpoint; once it is written, scrapes may see what it holds (README "Reliability and security"). */
    private boolean persist() {
        boolean ok = state.persist(bot.name());
        if (ok) {
            metrics.publish(bot.name());
        }
        return ok;
    }

    /** Remembers the id; a record seen before is counted as a dropped duplicate instead. */
    private boolean firstSeen(String key, RecordKind kind, String id, Instant time) {
        if (state.markSeen(key, id, time)) {
            return true;
        }
        duplicate(kind);
        return false;
    }

    private void tallied(Instant time) {
        if (tally != null) {
            tally.add(time);
        }
    }

    /** From the record's own time to now, the moment it is counted; a time after now counts as no delay. */
    private void delay(RecordKind kind, Instant time) {
        if (observeDelays && time != null) {
            Duration d = Duration.between(time, clock.instant());
            metrics.recordDelay(bot.name(), kind, d.isNegative() ? Duration.ZERO : d);
        }
    }

    private void rejected(Rejection r) {
        metrics.rejected(bot.name(), r);
        if (loggedRejections.add(r)) {
            LOG.warning(() -> "bot=" + bot.name() + " rejected a " + r.kind().label() + " record: "
                    + r.reason().label()
                    + " (counted in kore_exporter_records_rejected_total; logged once per kind and reason)");
        }
    }

    /** Left out of the kore_* metrics on purpose (README, "How it reads Kore.ai"); not logged: it is routine. */
    private void excluded(RecordKind kind) {
        metrics.excluded(bot.name(), kind, ExclusionReason.DEVELOPER);
        counts.excluded++;
    }

    private void duplicate(RecordKind kind) {
        counts.duplicates++;
        metrics.duplicate(bot.name(), kind);
    }
}
