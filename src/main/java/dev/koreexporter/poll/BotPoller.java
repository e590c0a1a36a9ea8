package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreApiException;
import dev.koreexporter.metrics.BotGauges;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.TurnExemplar;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.tracing.SpanRef;
import dev.koreexporter.tracing.TurnTracer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Polls one bot. Each cycle reads, per stream (sessions, messages of each channel, Agent AI
 * conversations), the window [watermark - lookback, now], counts every record not counted before, and
 * follows active sessions until they close. Streams fail independently; the state is checkpointed after
 * every page that counted something, so a crash repeats at most one page.
 *
 * <p>Re-reading the lookback is what costs requests: a busy bot's 20 minutes of sessions are many pages of
 * 100 (Agent AI: 20), read again every 30 s. So a stream whose last full read returned more than three full
 * pages' worth of records re-reads the lookback only every {@code lookback / 8} (a "sweep"), from a lookback
 * before the previous sweep's end, and in between reads from one interval before its watermark. Data landing
 * up to a lookback late is still read, only up to {@code lookback / 8} later. Quiet streams sweep every cycle.
 */
public final class BotPoller implements BotGauges {
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());
    static final String SESSIONS = "sessions";
    static final String CONVERSATIONS = "conversations";
    /** Bounds one cycle's window while catching up (first backfill, after an outage). */
    static final Duration CATCH_UP_STEP = Duration.ofHours(6);
    /** A full read of the lookback is done every cycle while it returns at most this many pages' worth. */
    static final int CHEAP_SWEEP_PAGES = 3;

    /** A stream's last full read of its lookback: when it started, the end of its window, records received. */
    private record Sweep(Instant at, Instant end, int records) {
    }

    /** How one cycle reads a stream. */
    @FunctionalInterface
    private interface StreamRead {
        void read(TimeWindow window, boolean sweep);
    }

    private final ExporterConfig.Bot bot;
    private final ExporterConfig.Poll poll;
    private final KoreApi api;
    private final KoreMetrics metrics;
    private final TurnTracer tracer;
    private final Clock clock;
    private final PollState state;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<String> loggedRejections = new HashSet<>();
    private final Map<String, String> lastStreamErrors = new java.util.HashMap<>();
    private final Map<String, Sweep> sweeps = new java.util.HashMap<>();
    private final Duration sweepEvery;
    private int recordsRead;
    private Instant lastLookup;
    /** The one stream allowed a costly sweep this cycle: the most overdue one. */
    private String costlySweep;
    private volatile boolean stopped;
    private volatile BotStatus status;

    public BotPoller(ExporterConfig.Bot bot, ExporterConfig.Poll poll, Duration containmentWindow, KoreApi api,
                     KoreMetrics metrics, TurnTracer tracer, CheckpointStore store, Clock clock) {
        this.bot = bot;
        this.poll = poll;
        this.api = api;
        this.metrics = metrics;
        this.tracer = tracer;
        this.clock = clock;
        this.sweepEvery = poll.lookback().dividedBy(8);
        this.state = PollState.restore(bot, store, clock.instant().minus(poll.backfill()), containmentWindow);
        this.status = new BotStatus(bot.name(), 0, false, null, state.oldestWatermark(), null, true);
        metrics.register(this);
    }

    @Override
    public String bot() {
        return bot.name();
    }

    public BotStatus status() {
        return status;
    }

    /** Runs one cycle; returns true when every stream has read up to now (no catching up left). */
    public boolean runCycle() {
        long started = System.nanoTime();
        Instant now = clock.instant();
        CycleCounts counts = new CycleCounts();
        List<String> errors = new ArrayList<>();
        boolean caughtUp = true;
        costlySweep = mostOverdueCostlySweep(now);

        caughtUp &= stream(SESSIONS, now, errors, (w, sweep) -> readSessions(w, sweep, counts));
        for (String channel : bot.channels()) {
            caughtUp &= stream(PollState.messagesKey(channel), now, errors,
                    (w, sweep) -> readMessages(channel, w, counts));
        }
        if (bot.accountId() != null) {
            caughtUp &= stream(CONVERSATIONS, now, errors, (w, sweep) -> readConversations(w, counts));
        }

        boolean ok = errors.isEmpty();
        // Once stopped, stopAndCheckpoint has written the final state and nothing has been counted since.
        boolean checkpointOk = locked(() -> stopped || state.persist(bot.name()));
        if (!checkpointOk) {
            metrics.checkpointFailed(bot.name());
        }
        metrics.cycleFinished(bot.name(), ok);
        BotStatus previous = status;
        status = new BotStatus(bot.name(), previous.cyclesCompleted() + 1, ok,
                ok ? clock.instant() : previous.lastSuccess(), state.oldestWatermark(),
                ok ? previous.lastError() : String.join("; ", errors), checkpointOk);
        long ms = (System.nanoTime() - started) / 1_000_000;
        String progress = caughtUp ? "" : " (catching up, read to " + state.oldestWatermark() + ")";
        LOG.info(() -> String.format("bot=%s cycle %s in %d ms: %s%s", bot.name(), ok ? "ok" : "FAILED", ms, counts,
                progress));
        return caughtUp;
    }

    /** Writes the checkpoint now and stops counting: called on shutdown, from another thread. */
    public void stopAndCheckpoint() {
        lock.lock();
        try {
            stopped = true;
            if (!state.persist(bot.name())) {
                metrics.checkpointFailed(bot.name());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ids currently remembered for de-duplication (tests check it stays bounded). */
    int seenIds() {
        return locked(state::seenCount);
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

    /** Reads one stream's window; failures are contained here so the other streams still run. */
    private boolean stream(String key, Instant now, List<String> errors, StreamRead read) {
        if (stopped) {
            return true;
        }
        TimeWindow full = state.window(key, now, poll.lookback(), CATCH_UP_STEP);
        if (full == null) {
            return true;
        }
        Sweep last = sweeps.get(key);
        // One costly sweep per cycle, the most overdue first: streams due together take turns (a later sweep
        // still starts from its previous one, so waiting a cycle loses nothing).
        boolean sweep = last == null || !costly(key, last) || full.to().isBefore(now) || key.equals(costlySweep);
        TimeWindow window;
        if (last == null) {
            window = full;
        } else if (sweep) {
            // From a lookback before the previous sweep's end, so lateness up to the lookback is still read.
            Instant from = max(state.floor(), last.end().minus(poll.lookback()));
            window = new TimeWindow(from.isBefore(full.from()) ? from : full.from(), full.to());
        } else {
            // Clamped: after the clock stepped back, the watermark can be later than now.
            Instant since = min(locked(() -> state.watermark(key)).minus(poll.interval()), full.to());
            window = new TimeWindow(since.isAfter(full.from()) ? since : full.from(), full.to());
        }
        try {
            recordsRead = 0;
            read.read(window, sweep);
            if (sweep) {
                sweeps.put(key, new Sweep(now, window.to(), recordsRead));
            }
            // Ids stay until no sweep can read them again: a lookback before the last sweep's end.
            Instant keepFrom = sweeps.get(key).end().minus(poll.lookback());
            locked(() -> {
                state.completed(key, window.to(), keepFrom);
                return true;
            });
            lastStreamErrors.remove(key);
            return !window.to().isBefore(now);
        } catch (KoreApiException | IllegalStateException | IllegalArgumentException e) {
            if (stopped || e instanceof KoreApiException.Interrupted) {
                return true;
            }
            String error = key + ": " + e.getMessage();
            errors.add(error);
            if (!error.equals(lastStreamErrors.put(key, error))) {
                LOG.warning(() -> "bot=" + bot.name() + " endpoint=" + endpointOf(e) + " " + error);
            }
            return true;
        }
    }

    /** Lists sessions; active ones the window no longer covers are looked up by id on some sweeps. */
    private void readSessions(TimeWindow window, boolean sweep, CycleCounts counts) {
        for (Page<Session> page : api.sessions(window, null)) {
            recordsRead += page.received();
            onPage(page, () -> {
                for (Session s : page.records()) {
                    if (window.contains(s.start())) {
                        session(s, counts);
                    }
                }
            });
        }
        // Sessions active for longer than the lookback (often ones that never close) cost a lookup each: at
        // most one round of lookups per lookback / 8, not one per cycle.
        boolean lookUp = sweep && (lastLookup == null || !window.to().isBefore(lastLookup.plus(sweepEvery)));
        List<String> followed = lookUp ? locked(() -> state.sessionsToLookUp(window.from())) : List.of();
        for (int i = 0; i < followed.size(); i += 50) {
            KoreApi.SessionLookup found = api.sessionsById(followed.subList(i, Math.min(followed.size(), i + 50)));
            onPage(new Page<>(found.sessions(), found.rejections(), found.sessions().size()), () -> {
                found.sessions().forEach(s -> session(s, counts));
                found.invalidIds().forEach(state::unfollow);
            });
        }
        if (lookUp) {
            lastLookup = window.to();
        }
    }

    private void session(Session s, CycleCounts counts) {
        if (state.sessionCounted(s.id())) {
            counts.duplicates++;
            metrics.duplicate(bot.name(), "session");
        } else if (s.active()) {
            state.follow(s);
        } else {
            state.countSession(s);
            metrics.sessionClosed(bot.name(), s);
            tracer.sessionClosed(bot, s);
            counts.sessions++;
            counts.counted++;
        }
    }

    private void readMessages(String channel, TimeWindow window, CycleCounts counts) {
        String key = PollState.messagesKey(channel);
        for (Page<Message> page : api.messages(channel, window)) {
            recordsRead += page.received();
            onPage(page, () -> {
                for (Message m : page.records()) {
                    if (!window.contains(m.createdOn()) || !firstSeen(key, "message", m.id(), m.createdOn(), counts)) {
                        continue;
                    }
                    metrics.message(bot.name(), m);
                    tracer.incoming(bot, m);
                    if (m.isTurn()) {
                        SpanRef span = tracer.turn(bot, m);
                        metrics.turn(bot.name(), m, span == null ? null : new TurnExemplar(span.traceId(), span.spanId()));
                        counts.turns++;
                    }
                    counts.messages++;
                    counts.counted++;
                }
            });
        }
    }

    private void readConversations(TimeWindow window, CycleCounts counts) {
        for (Page<AgentAiConversation> page : api.agentAiConversations(window)) {
            recordsRead += page.received();
            onPage(page, () -> {
                for (AgentAiConversation c : page.records()) {
                    if (!window.contains(c.startTime())
                            || !firstSeen(CONVERSATIONS, "conversation", c.id(), c.startTime(), counts)) {
                        continue;
                    }
                    metrics.conversation(bot.name(), c);
                    counts.conversations++;
                    counts.counted++;
                }
            });
        }
    }

    /** Remembers the id; a record seen before is counted as a dropped duplicate instead. */
    private boolean firstSeen(String key, String kind, String id, Instant time, CycleCounts counts) {
        if (state.markSeen(key, id, time)) {
            return true;
        }
        counts.duplicates++;
        metrics.duplicate(bot.name(), kind);
        return false;
    }

    /**
     * Counts one page under the lock, then checkpoints if it counted anything: the checkpoint never lags
     * the metrics by more than this page.
     */
    private void onPage(Page<?> page, Runnable count) {
        lock.lock();
        try {
            if (stopped) {
                throw new IllegalStateException("poller stopped");
            }
            for (Rejection r : page.rejections()) {
                metrics.rejected(bot.name(), r);
                if (loggedRejections.add(r.kind() + "/" + r.reason())) {
                    LOG.warning(() -> "bot=" + bot.name() + " rejected a " + r.kind() + " record: " + r.reason()
                            + " (counted in kore_exporter_records_rejected_total; logged once per kind and reason)");
                }
            }
            int before = state.countedSinceCheckpoint();
            count.run();
            if (state.countedSinceCheckpoint() > before && !state.persist(bot.name())) {
                metrics.checkpointFailed(bot.name());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kore.ai's page size for a stream (CONTRACT §6). Counted in records, not requests, so that a server
     * capping pages lower than documented does not turn a quiet stream into a swept one.
     */
    private static int pageSize(String key) {
        return switch (key) {
            case SESSIONS -> 100;
            case CONVERSATIONS -> 20;
            default -> 10_000;
        };
    }

    private boolean costly(String key, Sweep last) {
        return last.records() > CHEAP_SWEEP_PAGES * pageSize(key);
    }

    private String mostOverdueCostlySweep(Instant now) {
        String key = null;
        Instant oldest = null;
        for (Map.Entry<String, Sweep> e : sweeps.entrySet()) {
            Sweep s = e.getValue();
            if (costly(e.getKey(), s) && !now.isBefore(s.at().plus(sweepEvery))
                    && (oldest == null || s.at().isBefore(oldest))) {
                key = e.getKey();
                oldest = s.at();
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

    private <T> T locked(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private static String endpointOf(RuntimeException e) {
        return e instanceof KoreApiException k ? k.endpoint().label() : "-";
    }
}
