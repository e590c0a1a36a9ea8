package dev.koreexporter.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Backpressure in front of the SDK's batch span processor, whose full queue would silently drop spans (README
 * "Tracing"): the Kore.ai API budget, not span export, limits how fast records arrive, so while the backend
 * accepts spans a poller thread ending a span waits for room rather than losing it. Only while exports fail
 * (or one takes longer than {@code maxWait}) are spans refused here, and counted.
 *
 * <p>Room is counted, not asked of the processor (which cannot tell): spans handed over minus spans whose
 * export finished. Keeping that at most the queue's capacity means the queue itself never overflows.
 *
 * <p>The tracer hands each finished span over with {@link #offer}, which says whether the span went to the
 * exporter: that answer decides whether the turn's observations get an exemplar.
 */
final class SpanGate {
    private static final Logger LOG = Logger.getLogger(SpanGate.class.getName());
    /** The batch processor's defaults ({@code OTEL_BSP_MAX_QUEUE_SIZE}, {@code OTEL_BSP_EXPORT_TIMEOUT}). */
    static final int DEFAULT_CAPACITY = 2048;
    static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);

    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    /** Whether the last export failed: until one succeeds again, a full queue refuses spans at once. */
    private volatile boolean failing;
    /** Set at shutdown: nobody waits any more, so stopping the pollers is never held up by a slow backend. */
    private volatile boolean released;
    /** The gated processors, in the order the SDK registered them. */
    private final List<Gated> processors = new CopyOnWriteArrayList<>();

    /**
     * The processor that gates {@code delegate}: the batch processor of a {@link #counting} exporter, whose queue
     * holds {@code capacity} spans; no span waits longer than {@code maxWait} (its export timeout) for room.
     */
    SpanProcessor gating(SpanProcessor delegate, int capacity, Duration maxWait) {
        if (capacity < 1) {
            throw new IllegalArgumentException("span queue capacity must be at least 1, got " + capacity);
        }
        Gated gated = new Gated(delegate, capacity, maxWait.toNanos());
        processors.add(gated);
        return gated;
    }

    /**
     * Hands a finished, sampled span to every gated processor, waiting for room while the backend accepts spans;
     * true when each took it (none refused it while the backend fails, at shutdown, or when interrupted).
     */
    boolean offer(ReadableSpan span) {
        boolean handedOver = !processors.isEmpty();
        for (Gated processor : processors) {
            handedOver &= processor.take(span);
        }
        return handedOver;
    }

    /** Wraps the exporter to learn when the spans handed over leave the queue, and whether the backend took them. */
    SpanExporter counting(SpanExporter delegate) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                int n = spans.size();
                CompletableResultCode result;
                try {
                    result = delegate.export(spans);
                } catch (RuntimeException e) {
                    settled(n, CompletableResultCode.ofExceptionalFailure(e));
                    throw e;
                }
                result.whenComplete(() -> settled(n, result));
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return delegate.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return delegate.shutdown();
            }

            @Override
            public String toString() {
                return delegate.toString();
            }
        };
    }

    /** From now on spans are never waited for (shutdown). */
    void release() {
        released = true;
        signal();
    }

    long exported() {
        return exported.get();
    }

    long failed() {
        return failed.get();
    }

    /** Spans not handed over because the queue was full while the backend failed (or at shutdown). */
    long refused() {
        return refused.get();
    }

    boolean failing() {
        return failing;
    }

    private void settled(int n, CompletableResultCode result) {
        boolean success = result.isSuccess();
        (success ? exported : failed).addAndGet(n);
        boolean wasFailing = failing;
        failing = !success;
        // One line per change instead of the SDK's stack trace per failed batch (its exporter loggers are muted).
        if (success && wasFailing) {
            LOG.info("tracing: the span backend accepts spans again; spans wait for queue room again");
        } else if (!success && !wasFailing) {
            LOG.warning("tracing: span export failed (" + reason(result.getFailureThrowable())
                    + "); while it fails, spans that find the queue full are dropped and counted in "
                    + "kore_exporter_spans_dropped_total");
        }
        inFlight.addAndGet(-n);
        signal();
    }

    /** The innermost cause, by type and message: "ConnectException: Failed to connect to localhost/127.0.0.1:4317". */
    static String reason(Throwable t) {
        if (t == null) {
            return "the backend refused the spans";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private void signal() {
        lock.lock();
        try {
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean tryTake(int capacity) {
        for (long n = inFlight.get(); n < capacity; n = inFlight.get()) {
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Room for one span: at once when there is room, after waiting while the backend works, else refused. */
    private boolean admit(int capacity, long maxWaitNanos) {
        if (tryTake(capacity)) {
            return true;
        }
        lock.lock();
        try {
            long left = maxWaitNanos;
            while (!tryTake(capacity)) {
                if (failing || released) {
                    return false;
                }
                if (left <= 0) {
                    // No export finished for maxWait: a backend that slow is as good as failing.
                    failing = true;
                    LOG.warning("tracing: no span export finished within " + maxWaitNanos / 1_000_000
                            + " ms; until one succeeds, spans that find the queue full are dropped and counted in "
                            + "kore_exporter_spans_dropped_total");
                    return false;
                }
                left = room.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            // The poller is being stopped: give the span up rather than the stop.
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private final class Gated implements SpanProcessor {
        private final SpanProcessor delegate;
        private final int capacity;
        private final long maxWaitNanos;

        Gated(SpanProcessor delegate, int capacity, long maxWaitNanos) {
            this.delegate = delegate;
            this.capacity = capacity;
            this.maxWaitNanos = maxWaitNanos;
        }

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
            delegate.onStart(parentContext, span);
        }

        @Override
        public boolean isStartRequired() {
            return delegate.isStartRequired();
        }

        @Override
        public void onEnd(ReadableSpan span) {
            take(span);
        }

        /** Hands the span to the delegate when there is room; false when it was refused (and counted). */
        boolean take(ReadableSpan span) {
            if (!span.getSpanContext().isSampled()) {
                // The batch processor exports sampled spans only: nothing to make room for.
                delegate.onEnd(span);
                return false;
            }
            if (!admit(capacity, maxWaitNanos)) {
                refused.incrementAndGet();
                return false;
            }
            delegate.onEnd(span);
            return true;
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }

        @Override
        public CompletableResultCode shutdown() {
            release();
            return delegate.shutdown();
        }

        @Override
        public CompletableResultCode forceFlush() {
            return delegate.forceFlush();
        }

        @Override
        public void close() {
            shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
