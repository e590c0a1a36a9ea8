package dev.koreexporter;

import dev.koreexporter.poll.Checkpoint;
import dev.koreexporter.testing.MemoryCheckpointStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServingGateTest {
    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final Map<String, Checkpoint> saved = store.saved();
    private final ServingGate gate = new ServingGate(store);

    private static Checkpoint checkpoint(long floor) {
        return new Checkpoint(2, "st-1", floor, Map.of(), Map.of(), Map.of(), List.of(), Map.of(), null);
    }

    @Test
    void writesWaitUntilTheServerIsUp() {
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                gate.save("bot-a", checkpoint(7));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !write.isDone());
        assertFalse(saved.containsKey("bot-a"));

        gate.open();

        await().atMost(Duration.ofSeconds(5)).until(write::isDone);
        assertEquals(7, saved.get("bot-a").floor());
    }

    @Test
    void writesFailWhenTheServerDidNotStart() {
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                gate.save("bot-a", checkpoint(1));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        gate.abandon();

        ExecutionException e = assertThrows(ExecutionException.class, waiting::get);
        assertInstanceOf(IOException.class, e.getCause().getCause());
        assertThrows(IOException.class, () -> gate.save("bot-b", checkpoint(2)));
        assertTrue(saved.isEmpty());
    }

    @Test
    void anInterruptedPollerStillSavesOnceServing() throws Exception {
        gate.open();
        Thread.currentThread().interrupt();
        try {
            gate.save("bot-a", checkpoint(3));
        } finally {
            assertTrue(Thread.interrupted(), "interrupt status left as it was");
        }
        assertEquals(3, gate.load("bot-a").orElseThrow().floor());
    }
}
