package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.ReadPosition;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.ExclusionReason;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.tracing.TurnTracer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Counts what the streams read, for one bot, every record by its {@link Kind}: a record whose id the kind's scope
 * counted before is a dropped duplicate; otherwise the kind's rule says whether it is counted (its sink hands it to
 * the meters and the tracer), left for a later read (not final yet), left out or rejected, each once. Each page is counted in the bot's
 * {@link BotLedger}, under its lock, and checkpointed there.
 */
final class RecordCounter implements Meters {
    /** The poller's log category, as in 0.2.0: users filter and route these lines by it. */
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final ExporterConfig.Bot bot;
    private final KoreMetrics metrics;
    private final TurnTracer tracer;
    private final BotLedger ledger;
    private final Clock clock;
    private final boolean includeDeveloper;
    private final Set<Rejection> loggedRejections = new HashSet<>();
    /** What the page being counted emits once its counting section has ended. */
    private final List<Consumer<TurnTracer>> spans = new ArrayList<>();
    private CycleCounts counts = new CycleCounts();
    /** Pages counted since the start, read by the liveness check from another thread. */
    private volatile long pagesCounted;
    /** The records of the read in progress its lookback holds (the sweep policy judges busy by them). */
    private SweepPlanner.Tally tally;
    /** Whether record delays are observed this cycle: only while the bot is caught up (README, "Metrics"). */
    private boolean observeDelays;

    /** @param includeDeveloper {@code filters.include-developer}: count Bot Builder test traffic too */
    RecordCounter(ExporterConfig.Bot bot, KoreMetrics metrics, TurnTracer tracer, BotLedger ledger, Clock clock,
                  boolean includeDeveloper) {
        this.bot = bot;
        this.metrics = metrics;
        this.tracer = tracer;
        this.ledger = ledger;
        this.clock = clock;
        this.includeDeveloper = includeDeveloper;
    }

    /** Starts a cycle: its counts (for its log line), and whether it observes record delays (caught up). */
    CycleCounts newCycle(boolean observeDelays) {
        this.observeDelays = observeDelays;
        counts = new CycleCounts();
        return counts;
    }

    /** Pages counted since the start (see {@link Poller#progress}). */
    long pagesCounted() {
        return pagesCounted;
    }

    /** Starts a read: the records it is handed from now on are tallied into {@code tally}. */
    void reading(SweepPlanner.Tally tally) {
        this.tally = tally;
    }

    /**
     * Counts one page of {@code stream}: its records whose time lies in {@code window}; the stream's read then goes
     * on from {@code next} (of {@code endpoint}). Spans are
     * emitted after the page's counting section, outside the ledger's lock: they may wait for room in the span queue
     * (README "Tracing"), and a slow trace backend must not hold the bot's ledger meanwhile. The meters are fed within
     * the section, so a page's counts are published with its checkpoint; a turn's exemplar (its span's ids) follows
     * its span, shown from the next publish on. False, counting nothing, once stopped.
     */
    <T extends KoreRecord> boolean page(Stream<T> stream, Page<T> page, TimeWindow window, Endpoint endpoint,
                                        ReadPosition next) {
        try {
            boolean counted = ledger.page(stream.key(), endpoint, next, () -> {
                page.rejections().forEach(this::rejected);
                boolean heldBack = false;
                for (T record : page.records()) {
                    if (window.contains(record.time())) {
                        heldBack |= record(stream, record) == Kind.Verdict.NOT_FINAL;
                    }
                }
                return heldBack;
            });
            if (counted) {
                pagesCounted++;
            }
            spans.forEach(s -> s.accept(tracer));
            return counted;
        } finally {
            spans.clear();
        }
    }

    /** Counts one record of a page; returns the verdict on it, null for a duplicate. */
    private <T extends KoreRecord> Kind.Verdict record(Stream<T> stream, T record) {
        Kind<T> kind = stream.kind();
        if (tally != null) {
            tally.add(record.time());
        }
        long id = SeenIds.hash(record.id());
        if (ledger.seen(kind.scope(), id)) {
            counts.duplicates++;
            metrics.duplicate(bot.name(), kind.label());
            return null;
        }
        Kind.Verdict verdict = kind.rule().of(record, includeDeveloper);
        if (verdict != Kind.Verdict.NOT_FINAL) {
            // Whatever the verdict, so that it is given once: a developer record is excluded once, not per re-read.
            ledger.remember(stream.key(), id, record.time());
        }
        switch (verdict) {
            case COUNT -> {
                kind.sink().counted(record, this);
                counts.counted(kind.label());
                delay(kind.label(), kind.countedFrom().apply(record));
            }
            case NOT_FINAL -> {
                // Read again by the stream's re-reads (README "How it reads Kore.ai"): counted once it is final.
            }
            case EXCLUDE -> {
                // Left out of the kore_* metrics on purpose (README, "How it reads Kore.ai"); not logged: routine.
                metrics.excluded(bot.name(), kind.label(), ExclusionReason.DEVELOPER);
                counts.excluded++;
            }
            case REJECT -> rejected(new Rejection(kind.label(), RejectionReason.BAD_VALUE));
        }
        return verdict;
    }

    @Override
    public ExporterConfig.Bot bot() {
        return bot;
    }

    @Override
    public KoreMetrics metrics() {
        return metrics;
    }

    @Override
    public void afterPage(Consumer<TurnTracer> emit) {
        spans.add(emit);
    }

    @Override
    public void rejected(Rejection r) {
        metrics.rejected(bot.name(), r);
        if (loggedRejections.add(r)) {
            LOG.warning(() -> "bot=" + bot.name() + " rejected a " + r.kind().label() + " record: "
                    + r.reason().label()
                    + " (counted in kore_exporter_records_rejected_total; logged once per kind and reason)");
        }
    }

    @Override
    public void closed(Instant end, Containment containment) {
        ledger.closed(end, containment);
    }

    @Override
    public void turn() {
        counts.turns++;
    }

    /** From the record's own time to now, the moment it is counted; a time after now counts as no delay. */
    private void delay(RecordKind kind, Instant time) {
        if (observeDelays && time != null) {
            Duration d = Duration.between(time, clock.instant());
            metrics.recordDelay(bot.name(), kind, d.isNegative() ? Duration.ZERO : d);
        }
    }
}
