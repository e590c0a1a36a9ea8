package dev.koreexporter.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the spans of the pipeline: exported, failed and refused as the {@link SpanGate} saw them, plus any the
 * SDK's BatchSpanProcessor dropped itself (the gate keeps its queue from overflowing, but it still drops what
 * ends after shutdown). The processor reports its drops only through its own instruments on the meter provider
 * it is given: this reader is registered on that meter provider (which exports nothing else) and reads them back.
 */
final class SpanStats implements MetricReader {
    private static final AttributeKey<Boolean> LEGACY_DROPPED = AttributeKey.booleanKey("dropped");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final SpanGate gate;
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    SpanStats(SpanGate gate) {
        this.gate = gate;
    }

    SpanGate gate() {
        return gate;
    }

    void ended() {
        ended.incrementAndGet();
    }

    SpanCounts counts() {
        return new SpanCounts(ended.get(), gate.exported(), gate.failed(), gate.refused() + readDropped());
    }

    /** Reads the processor's drop counter (both its legacy and its semantic-convention instruments). */
    private long readDropped() {
        long total = -1;
        for (MetricData m : registration.collectAllMetrics()) {
            if (m.getType() != MetricDataType.LONG_SUM) {
                continue;
            }
            boolean legacy = m.getName().equals("processedSpans");
            boolean semconv = m.getName().equals("otel.sdk.processor.span.processed");
            if (!legacy && !semconv) {
                continue;
            }
            for (LongPointData p : m.getLongSumData().getPoints()) {
                boolean drop = legacy ? Boolean.TRUE.equals(p.getAttributes().get(LEGACY_DROPPED))
                        : p.getAttributes().get(ERROR_TYPE) != null;
                if (drop) {
                    total = Math.max(total, 0) + p.getValue();
                }
            }
        }
        // After shutdown the meter provider reports nothing: keep the last value read.
        if (total >= 0) {
            dropped.set(total);
        }
        return dropped.get();
    }

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        readDropped();
        registration = CollectionRegistration.noop();
        return CompletableResultCode.ofSuccess();
    }
}
