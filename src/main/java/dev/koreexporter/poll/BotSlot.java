package dev.koreexporter.poll;

import dev.koreexporter.metrics.KoreMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One configured bot and whether this process polls it (README "Reliability and security"). Each cycle
 * until it polls the bot it tries to: first the bot's checkpoint lock, then its checkpoint. While another
 * process holds the lock, the bot is on standby ({@code kore_exporter_standby} 1, none of its other series);
 * once the lock is free it is taken over from the checkpoint the holder left. A checkpoint that cannot be
 * read stops the bot ({@code kore_exporter_up} 0, the file named in the status) and is never written, so
 * nothing is counted twice; it is read again every cycle, so deleting it starts the bot afresh.
 */
public final class BotSlot implements Poller {
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final String bot;
    private final CheckpointStore store;
    private final KoreMetrics metrics;
    private final Supplier<BotPoller> poller;
    private final Object monitor = new Object();
    private CheckpointLock lock;
    private volatile BotPoller running;
    private volatile BotStatus waiting;
    private String logged;
    private boolean stopped;
    private boolean wasStandby;

    /** @param poller builds the bot's poller, reading its checkpoint; called with the bot's lock held */
    public BotSlot(String bot, CheckpointStore store, KoreMetrics metrics, Supplier<BotPoller> poller) {
        this.bot = bot;
        this.store = store;
        this.metrics = metrics;
        this.poller = poller;
        this.waiting = new BotStatus(bot, 0, false, null, null, null, true);
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
        return p != null ? p.progress() : 0;
    }

    @Override
    public boolean runCycle() {
        BotPoller p = running != null ? running : start();
        return p == null || p.runCycle();
    }

    /** Takes the lock and builds the poller; null (and the status says why) when the bot cannot be polled. */
    private BotPoller start() {
        synchronized (monitor) {
            if (stopped) {
                return null;
            }
            long attempts = waiting.cyclesCompleted() + 1;
            if (lock == null) {
                Optional<CheckpointLock> taken;
                try {
                    taken = store.tryLock(bot);
                } catch (IOException e) {
                    // Up 0, so the usual alert fires: a bot nobody polls must never look merely absent.
                    metrics.cycleFinished(bot, false);
                    return notPolled(attempts, BotStatus.Mode.STOPPED, "cannot take the checkpoint lock: "
                            + e.getMessage() + "; retrying every cycle", false);
                }
                if (taken.isEmpty()) {
                    metrics.standby(bot, true);
                    wasStandby = true;
                    return notPolled(attempts, BotStatus.Mode.STANDBY, "standby: another process holds this bot's"
                            + " checkpoint lock and polls it; retrying the lock every cycle", true);
                }
                lock = taken.get();
            }
            metrics.standby(bot, false);
            try {
                running = poller.get();
            } catch (UncheckedIOException e) {
                // Up 0 like a failing bot, so the usual alert fires; no other series (nothing was read).
                metrics.cycleFinished(bot, false);
                return notPolled(attempts, BotStatus.Mode.STOPPED, e.getCause().getMessage(), false);
            }
            if (wasStandby) {
                LOG.info(() -> "bot=" + bot + " took the checkpoint lock: polling it from its checkpoint");
            }
            return running;
        }
    }

    private BotPoller notPolled(long attempts, BotStatus.Mode mode, String why, boolean checkpointOk) {
        waiting = new BotStatus(bot, attempts, false, null, null, why, checkpointOk, mode);
        if (!why.equals(logged)) {
            logged = why;
            if (mode == BotStatus.Mode.STANDBY) {
                LOG.info(() -> "bot=" + bot + " " + why);
            } else {
                LOG.severe(() -> "bot=" + bot + " not polled: " + why);
            }
        }
        return null;
    }

    /**
     * Checkpoints a polled bot (a bot not polled has nothing to write: its file stays as it was) and removes its
     * series, then unlocks: a process taking the bot over continues its counters from that checkpoint, and two
     * processes never show them at once, so scrapes of both joined as one series never see them go down (README
     * "Reliability and security").
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
            if (lock != null) {
                lock.close();
                lock = null;
            }
        }
    }
}
