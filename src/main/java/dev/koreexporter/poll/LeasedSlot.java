package dev.koreexporter.poll;

import dev.koreexporter.metrics.KoreMetrics;

import java.io.UncheckedIOException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One configured bot of a replica that shares state with others (README "Running several replicas"): polled here
 * only while this replica holds the bot's lease ({@link Ownership}). Each cycle starts the bot's poller from its
 * checkpoint once the lease is held, and otherwise stops it: on a hand-over to another replica after writing a final
 * checkpoint, on a lost lease without one (the write would be refused, and what was counted since the last checkpoint
 * is the successor's to count). A stopped bot's series are removed; they are hidden from scrapes as soon as the lease
 * is not held anyway.
 */
public final class LeasedSlot implements Poller {
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final String bot;
    private final Ownership ownership;
    private final KoreMetrics metrics;
    private final Supplier<BotPoller> poller;
    private final Object monitor = new Object();
    private volatile BotPoller running;
    private volatile BotStatus waiting;
    private long attempts;
    private String logged;
    private boolean stopped;

    /** @param poller builds the bot's poller, reading its checkpoint; called while the bot's lease is held */
    public LeasedSlot(String bot, Ownership ownership, KoreMetrics metrics, Supplier<BotPoller> poller) {
        this.bot = bot;
        this.ownership = ownership;
        this.metrics = metrics;
        this.poller = poller;
        this.waiting = new BotStatus(bot, 0, false, null, null, null, true, BotStatus.Mode.ELSEWHERE);
    }

    @Override
    public String bot() {
        return bot;
    }

    @Override
    public BotStatus status() {
        BotPoller p = running;
        return p != null ? p.status() : waiting;
    }

    @Override
    public long progress() {
        BotPoller p = running;
        return p != null ? p.progress() : attempts;
    }

    @Override
    public boolean runCycle() {
        BotPoller p = settle();
        if (p == null) {
            return true;
        }
        boolean caughtUp = p.runCycle();
        // A lease lost or handed over during the cycle: the bot's series go now, not a poll interval later.
        settle();
        return caughtUp;
    }

    /** Starts or stops the bot's poller as its lease says; the poller to run, or null. */
    private BotPoller settle() {
        synchronized (monitor) {
            if (stopped) {
                return null;
            }
            if (ownership.holds(bot)) {
                if (running != null && running.stopped()) {
                    // It stopped counting while the lease looked run out, and a renewal already under way kept it:
                    // what it counted since its last checkpoint was never shown; start again from that checkpoint.
                    running.abandon();
                    metrics.drop(bot);
                    running = null;
                }
                return running != null ? running : start();
            }
            if (running != null) {
                stop(running);
                running = null;
            } else if (ownership.leaving(bot)) {
                ownership.release(bot);
            }
            // Also the up 0 of a checkpoint that could not be read while the lease was held.
            metrics.drop(bot);
            attempts++;
            String problem = ownership.problem();
            waiting = new BotStatus(bot, attempts, false, null, null, problem, problem == null, BotStatus.Mode.ELSEWHERE);
            return null;
        }
    }

    private BotPoller start() {
        attempts++;
        try {
            running = poller.get();
        } catch (UncheckedIOException e) {
            // Up 0 like a failing bot, so the usual alert fires. Read again next cycle.
            metrics.cycleFinished(bot, false);
            String why = e.getCause().getMessage();
            waiting = new BotStatus(bot, attempts, false, null, null, why, false, BotStatus.Mode.STOPPED);
            if (!why.equals(logged)) {
                logged = why;
                LOG.severe(() -> "bot=" + bot + " not polled: " + why);
            }
            return null;
        }
        logged = null;
        LOG.info(() -> "bot=" + bot + " took its lease: polling it from its checkpoint");
        return running;
    }

    private void stop(BotPoller p) {
        if (ownership.leaving(bot)) {
            p.stopAndCheckpoint();
            LOG.info(() -> "bot=" + bot + " handed over to the replica it is placed on now, after its final checkpoint");
        } else {
            p.abandon();
            LOG.warning(() -> "bot=" + bot + " lost its lease (not renewed in time): stopped without a checkpoint;"
                    + " what was counted since the last one is counted by the bot's next replica");
        }
        metrics.drop(bot);
        ownership.release(bot);
    }

    /**
     * Checkpoints a polled bot and removes its series; its lease is given up with the others' once every checkpoint is
     * written, so the replica that takes the bot next continues its counters from that checkpoint and two replicas
     * never show them at once (README "Reliability and security").
     */
    @Override
    public void stopAndCheckpoint() {
        synchronized (monitor) {
            stopKeepingSeries();
            release();
        }
    }

    @Override
    public void stopKeepingSeries() {
        synchronized (monitor) {
            stopped = true;
            if (running != null) {
                running.stopAndCheckpoint();
            }
        }
    }

    @Override
    public void release() {
        synchronized (monitor) {
            if (running != null) {
                metrics.drop(bot);
            }
        }
    }
}
