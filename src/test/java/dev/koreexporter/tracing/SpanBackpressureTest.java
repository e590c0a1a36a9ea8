package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Message;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.koreexporter.tracing.Fixtures.BOT;
import static dev.koreexporter.tracing.Fixtures.latency;
import static dev.koreexporter.tracing.Fixtures.turn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full span queue waits while the backend accepts spans and drops (counted, no exemplar) only while it fails. */
class SpanBackpressureTest {
    private static final ExporterConfig.Tracing NO_TEXT = new ExporterConfig.Tracing(false);
    private static final Instant T = Instant.parse("2026-03-02T10:00:05Z");
    /** One turn is four spans (turn, asr, bot, tts): a queue of 8 holds two turns. */
    private static final int QUEUE = 8;

    private final HoldingExporter backend = new HoldingExporter();
    private OtelTurnTracer tracer = tracer(Duration.ofSeconds(30));
    private final List<SpanRef> refs = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger emitted = new AtomicInteger();

    private OtelTurnTracer tracer(Duration maxWait) {
        return OtelTurnTracer.forExporter(NO_TEXT, backend, Sampler.parentBased(Sampler.alwaysOn()), QUEUE, maxWait);
    }

    @AfterEach
    void close() {
        backend.release();
        tracer.close();
    }

    private static Message turnNo(int i) {
        return turn("m-" + i, "sess-" + (i % 3), T.plusSeconds(i), latency(400.0, 600.0, 200.0, 40.0), null);
    }

    private void emit(int from, int to) {
        for (int i = from; i < to; i++) {
            refs.add(tracer.turn(BOT, turnNo(i)));
            emitted.incrementAndGet();
        }
    }

    private Thread poller(int from, int to) {
        Thread t = new Thread(() -> emit(from, to), "poller-under-test");
        t.start();
        return t;
    }

    private static void awaitWaiting(Thread t) {
        await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
    }

    private Set<String> turnsReceived() {
        return backend.received.stream().filter(s -> s.getName().equals("kore.turn"))
                .map(SpanData::getSpanId).collect(Collectors.toSet());
    }

    @Test
    void fullQueueMakesThePollerWaitWhileTheBackendAcceptsAndLosesNothing() throws InterruptedException {
        backend.holding();
        Thread poller = poller(0, 20);
        awaitWaiting(poller);
        // The queue (and the batch being exported) hold exactly two turns: the third waits for room.
        assertEquals(2, emitted.get());
        assertTrue(poller.isAlive());

        backend.release();
        poller.join(Duration.ofSeconds(30));
        assertFalse(poller.isAlive());
        assertTrue(tracer.flush(Duration.ofSeconds(10)));

        assertEquals(20, refs.size());
        refs.forEach(r -> assertNotNull(r, "every turn was handed over, so every turn has an exemplar"));
        assertEquals(20, turnsReceived().size());
        assertEquals(refs.stream().map(SpanRef::spanId).collect(Collectors.toSet()), turnsReceived());
        assertEquals(new SpanCounts(80, 80, 0, 0), tracer.spanCounts());
    }

    @Test
    void whileTheBackendFailsAFullQueueDropsAtOnceCountsAndGivesNoExemplar() {
        backend.failing(true);
        emit(0, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> tracer.spanCounts().failed() == 8);

        backend.holding();
        emit(2, 8);
        // Two turns fit; the other four are refused without waiting, as the backend is failing.
        assertEquals(List.of(true, true, true, true, false, false, false, false),
                refs.stream().map(r -> r != null).toList());
        SpanCounts during = tracer.spanCounts();
        assertEquals(32, during.ended());
        assertEquals(16, during.dropped());

        backend.release();
        assertTrue(tracer.flush(Duration.ofSeconds(10)));
        SpanCounts after = tracer.spanCounts();
        assertEquals(new SpanCounts(32, 0, 16, 16), after);
        assertEquals(32, after.lost(), "every span ended is lost: failed exports plus drops");
    }

    @Test
    void onceTheBackendAcceptsAgainThePollerWaitsAgain() throws InterruptedException {
        backend.failing(true);
        emit(0, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> tracer.spanCounts().failed() == 8);
        backend.failing(false);
        emit(2, 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> tracer.spanCounts().exported() == 8);

        backend.holding();
        Thread poller = poller(4, 10);
        awaitWaiting(poller);
        assertEquals(6, emitted.get());
        backend.release();
        poller.join(Duration.ofSeconds(30));
        assertTrue(tracer.flush(Duration.ofSeconds(10)));
        assertEquals(new SpanCounts(40, 32, 8, 0), tracer.spanCounts());
        assertTrue(refs.stream().allMatch(r -> r != null));
    }

    @Test
    void stopWaitingReleasesAWaitingPollerAtShutdown() throws InterruptedException {
        backend.holding();
        Thread poller = poller(0, 5);
        awaitWaiting(poller);
        tracer.stopWaiting();
        poller.join(Duration.ofSeconds(10));
        assertFalse(poller.isAlive());
        assertEquals(5, refs.size());
        assertNotNull(refs.get(0));
        assertNotNull(refs.get(1));
        assertTrue(refs.subList(2, 5).stream().allMatch(r -> r == null), refs::toString);
        assertEquals(12, tracer.spanCounts().dropped());
    }

    @Test
    void interruptingAWaitingPollerDropsTheSpanAndKeepsTheInterrupt() throws InterruptedException {
        backend.holding();
        List<Boolean> interrupted = Collections.synchronizedList(new ArrayList<>());
        Thread poller = new Thread(() -> {
            emit(0, 3);
            interrupted.add(Thread.currentThread().isInterrupted());
        });
        poller.start();
        awaitWaiting(poller);
        poller.interrupt();
        poller.join(Duration.ofSeconds(10));
        assertEquals(List.of(true), interrupted);
        assertNull(refs.get(2));
    }

    @Test
    void aBackendThatAnswersNothingWithinTheWaitLimitCountsAsFailing() {
        tracer.close();
        tracer = tracer(Duration.ofMillis(200));
        backend.holding();
        emit(0, 4);
        assertEquals(4, refs.size());
        assertNotNull(refs.get(1));
        assertNull(refs.get(2), "waited 200 ms for room, then dropped");
        assertNull(refs.get(3), "and then no more waiting until an export succeeds");
        assertEquals(8, tracer.spanCounts().dropped());
    }
}
