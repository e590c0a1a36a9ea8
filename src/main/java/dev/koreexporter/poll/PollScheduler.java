package dev.koreexporter.poll;

import dev.koreexporter.kore.Ticker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs every bot's poller on its own thread: a cycle starts {@code interval} after the previous one ended
 * (at once while catching up), so cycles of one bot never overlap and a slow or failing bot never delays
 * another. An {@link Error} (out of memory, stack overflow) is handed to {@code fatal}, which ends the process
 * (README "Reliability and security"): a poller never dies silently. It also knows when each poller last made
 * progress (finished a cycle, got an answer, counted a page), on a monotonic {@link Ticker}, for
 * {@code /health/live}.
 */
public final class PollScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PollScheduler.class.getName());

    private final List<Poller> pollers;
    private final Duration interval;
    private final Consumer<Error> fatal;
    private final Ticker ticker;
    /** Per poller: its {@link Poller#progress} count when last seen to change, and the ticker then. */
    private final Map<Poller, Seen> lastProgress = new ConcurrentHashMap<>();
    /** Per bot: its next cycle and whether one runs now. */
    private final Map<String, Turn> turns = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private volatile boolean closed;

    /** For tests and benchmarks: an {@link Error} is logged and ends that poller only. */
    public PollScheduler(List<? extends Poller> pollers, Duration interval) {
        this(pollers, interval, e -> LOG.log(Level.SEVERE, "poller failed", e), Clock.systemUTC());
    }

    /**
     * @param fatal called once per {@link Error} thrown by a cycle, in the poller's thread; the daemon's exits
     * @param clock its {@link Ticker} measures progress, for {@link #stuck}
     */
    public PollScheduler(List<? extends Poller> pollers, Duration interval, Consumer<Error> fatal, Clock clock) {
        this.pollers = List.copyOf(pollers);
        this.interval = interval;
        this.fatal = fatal;
        this.ticker = Ticker.of(clock);
        this.executor = Executors.newScheduledThreadPool(Math.max(1, pollers.size()),
                Thread.ofPlatform().name("poller-", 0).daemon(true).factory());
    }

    private record Seen(long count, long at) {
    }

    /** A poller's turn: guarded by itself. */
    private static final class Turn {
        final Poller poller;
        ScheduledFuture<?> next;
        boolean running;

        Turn(Poller poller) {
            this.poller = poller;
        }
    }

    public void start() {
        long now = ticker.nanos();
        pollers.forEach(p -> {
            lastProgress.put(p, new Seen(p.progress(), now));
            Turn t = new Turn(p);
            turns.put(p.bot(), t);
            schedule(t, 0);
        });
    }

    /**
     * Runs the bot's next cycle now instead of at its time, unless one runs now: a replica that just took a bot's
     * lease polls it at once (README "Running several replicas").
     */
    public void wake(String bot) {
        Turn t = turns.get(bot);
        if (t == null) {
            return;
        }
        synchronized (t) {
            if (!t.running && !closed) {
                if (t.next != null) {
                    t.next.cancel(false);
                }
                schedule(t, 0);
            }
        }
    }

    private void schedule(Turn t, long delayMillis) {
        synchronized (t) {
            try {
                t.next = executor.schedule(() -> cycle(t), delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /**
     * The bots whose poller has made no progress within {@code bound} of now (or of the start): no cycle finished,
     * no answer from Kore.ai, no page counted. Progress is noticed when it is asked for (each liveness probe), so a
     * poller is called stuck at most a probe's period late, never early.
     */
    public List<String> stuck(Duration bound) {
        long now = ticker.nanos();
        List<String> out = new ArrayList<>();
        for (Poller p : pollers) {
            long count = p.progress();
            Seen seen = lastProgress.computeIfPresent(p, (k, old) -> old.count() == count ? old : new Seen(count, now));
            if (seen != null && now - seen.at() > bound.toNanos()) {
                out.add(p.bot());
            }
        }
        return out;
    }

    private void cycle(Turn turn) {
        synchronized (turn) {
            // A cycle cancelled by wake() may have started all the same: one at a time.
            if (turn.running) {
                return;
            }
            turn.running = true;
        }
        Poller poller = turn.poller;
        boolean caughtUp = true;
        try {
            caughtUp = poller.runCycle();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "bot=" + poller.bot() + " cycle crashed", e);
        } catch (Error e) {
            // Not rescheduled: the process exits (the supervisor restarts it, the checkpoints keep counts exact).
            fatal.accept(e);
            return;
        }
        lastProgress.put(poller, new Seen(poller.progress(), ticker.nanos()));
        synchronized (turn) {
            turn.running = false;
            if (!closed) {
                schedule(turn, caughtUp ? interval.toMillis() : 0);
            }
        }
    }

    /** Stops polling, abandons in-flight requests, and writes every bot's checkpoint. */
    @Override
    public void close() {
        close(() -> { });
    }

    /**
     * {@link #close()}, running {@code beforeRelease} once every bot is stopped and checkpointed but still shows its
     * final counts (the last OTLP push), before the bots give up their series and locks.
     */
    public void close(Runnable beforeRelease) {
        closed = true;
        // Checkpoint first (each waits at most for the page being counted), then interrupt the requests in
        // flight: interrupting first broke checkpoint writes under way (ClosedByInterruptException).
        pollers.forEach(Poller::stopKeepingSeries);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            beforeRelease.run();
        } finally {
            pollers.forEach(Poller::release);
        }
    }
}
