package dev.koreexporter.poll;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs every bot's poller on its own thread: a cycle starts {@code interval} after the previous one ended
 * (at once while catching up), so cycles of one bot never overlap and a slow or failing bot never delays
 * another.
 */
public final class PollScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PollScheduler.class.getName());

    private final List<BotPoller> pollers;
    private final Duration interval;
    private final ScheduledExecutorService executor;
    private volatile boolean closed;

    public PollScheduler(List<BotPoller> pollers, Duration interval) {
        this.pollers = List.copyOf(pollers);
        this.interval = interval;
        this.executor = Executors.newScheduledThreadPool(Math.max(1, pollers.size()),
                Thread.ofPlatform().name("poller-", 0).daemon(true).factory());
    }

    public void start() {
        pollers.forEach(p -> executor.execute(() -> cycle(p)));
    }

    private void cycle(BotPoller poller) {
        boolean caughtUp = true;
        try {
            caughtUp = poller.runCycle();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "bot=" + poller.bot() + " cycle crashed", e);
        }
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
        pollers.forEach(BotPoller::stopAndCheckpoint);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
