package dev.koreexporter;

import dev.koreexporter.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signals as README "Quick start" describes them, with a stop that is held (as writing checkpoints takes time)
 * and a fake exit: a second SIGTERM never exits before the first one's checkpoints are written, SIGHUP is ignored.
 */
class SignalsTest {
    private final CountDownLatch checkpointsWritten = new CountDownLatch(1);
    private final AtomicInteger stops = new AtomicInteger();
    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private final Signals signals = new Signals(() -> {
        stops.incrementAndGet();
        try {
            checkpointsWritten.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }, exits::add);

    @Test
    void aSecondSigtermWhileStoppingIsIgnoredAndTheFirstExitsZeroOnceTheCheckpointsAreWritten() throws Exception {
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> signals.terminate("SIGTERM"));
        await().atMost(Duration.ofSeconds(5)).until(() -> stops.get() == 1);
        try (LogCapture log = LogCapture.of(Signals.class.getName())) {
            signals.terminate("SIGTERM");
            signals.terminate("SIGINT");
            assertEquals(List.of(), exits, "no exit while the checkpoints are being written");
            assertTrue(log.lines().stream().allMatch(l -> l.contains("ignored: already stopping")), log.lines().toString());
            assertEquals(2, log.records().size());
        }
        checkpointsWritten.countDown();
        first.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(0), exits);
        assertEquals(1, stops.get());
    }

    @Test
    void theJvmsShutdownHookWaitsForAStopUnderWay() throws Exception {
        CompletableFuture.runAsync(() -> signals.terminate("SIGTERM"));
        await().atMost(Duration.ofSeconds(5)).until(() -> stops.get() == 1);
        CompletableFuture<Void> hook = CompletableFuture.runAsync(signals::shuttingDown);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !hook.isDone());
        checkpointsWritten.countDown();
        hook.get(5, TimeUnit.SECONDS);
        assertEquals(1, stops.get(), "stopped once");
    }

    @Test
    void sighupIsLoggedAndIgnored() {
        try (LogCapture log = LogCapture.of(Signals.class.getName())) {
            signals.hangUp("SIGHUP");
            assertEquals(1, log.records().size());
            assertTrue(log.lines().getFirst().contains("SIGHUP ignored") && log.lines().getFirst().contains("no configuration reload"),
                    log.lines().toString());
        }
        assertEquals(List.of(), exits);
        assertEquals(0, stops.get());
    }

    @Test
    void aStopThatFailsExitsNonZero() {
        Signals failing = new Signals(() -> {
            throw new OutOfMemoryError("test: while writing checkpoints");
        }, exits::add);
        try (LogCapture ignored = LogCapture.of(Signals.class.getName())) {
            failing.terminate("SIGTERM");
        }
        assertEquals(List.of(FatalErrors.OUT_OF_MEMORY), exits);
        assertFalse(exits.contains(0));
    }
}
