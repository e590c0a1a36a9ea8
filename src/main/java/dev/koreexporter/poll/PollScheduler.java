package dev.koreexporter.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs every bot's poller on its own thread: a cycle starts {@code interval} after the previous one ended
 * (at once while catching up), so cycles of one bot never overlap and a slow or failing bot never delays
 * another. An {@link Error} (out of memory, stack overflow) is handed to {@code fatal}, which ends the process
 * (README "Reliability and security"): a poller never dies silently. It also knows when each poller last
 * finished a cycle, for {@code /health/live}.
 */
public final class PollScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PollScheduler.class.getName());

    private final List<Poller> pollers;
    private final Duration interval;
    private final Consumer<Error> fatal;
    private final Clock clock;
    private final Map<Poller, Instant> lastFinished = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private volatile boolean closed;

    /** For tests and benchmarks: an {@link Error} is logged and ends that poller only. */
    public PollScheduler(List<? extends Poller> pollers, Duration interval) {
        this(pollers, interval, e -> LOG.log(Level.SEVERE, "poller failed", e), Clock.systemUTC());
    }

    /**
     * @param fatal called once per {@link Error} thrown by a cycle, in the poller's thread; the daemon's exits
     * @param clock when cycles finish, for {@link #stuck}
     */
    public PollScheduler(List<? extends Poller> pollers, Duration interval, Consumer<Error> fatal, Clock clock) {
        this.pollers = List.copyOf(pollers);
        this.interval = interval;
        this.fatal = fatal;
        this.clock = clock;
        this.executor = Executors.newScheduledThreadPool(Math.max(1, pollers.size()),
                Thread.ofPlatform().name("poller-", 0).daemon(true).factory());
    }

    public void start() {
        Instant now = clock.instant();
        pollers.forEach(p -> {
            lastFinished.put(p, now);
            executor.execute(() -> cycle(p));
        });
    }

    /** The bots whose poller has not finished a cycle within {@code bound} of now (or of the start). */
    public List<String> stuck(Duration bound) {
        Instant now = clock.instant();
        List<String> out = new ArrayList<>();
        for (Poller p : pollers) {
            Instant last = lastFinished.get(p);
            if (last != null && Duration.between(last, now).compareTo(bound) > 0) {
                out.add(p.bot());
            }
        }
        return out;
    }

    private void cycle(Poller poller) {
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
        lastFinished.put(poller, clock.instant());
        if (!closed) {
            try {
                executor.schedule(() -> cycle(poller), caughtUp ? interval.toMillis() : 0, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /** Stops polling, abandons in-flight requests, and writes every bot's checkpoint. */
    @Override
    public void close() {
        closed = true;
        // Checkpoint first (each waits at most for the page being counted), then interrupt the requests in
        // flight: interrupting first broke checkpoint writes under way (ClosedByInterruptException).
        pollers.forEach(Poller::stopAndCheckpoint);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
