package dev.koreexporter.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend the test steers: it accepts or fails exports, and while held it leaves them unanswered (a slow
 * backend) until {@link #release}.
 */
final class HoldingExporter implements SpanExporter {
    private record Pending(Collection<SpanData> spans, CompletableResultCode result) {
    }

    final List<SpanData> received = new CopyOnWriteArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private boolean fail;
    private boolean hold;

    synchronized HoldingExporter failing(boolean fail) {
        this.fail = fail;
        return this;
    }

    synchronized HoldingExporter holding() {
        hold = true;
        return this;
    }

    /** Answers every held export (as failed or accepted, as set now) and stops holding. */
    void release() {
        List<Pending> answer;
        synchronized (this) {
            hold = false;
            answer = List.copyOf(pending);
            pending.clear();
        }
        answer.forEach(p -> answer(p.spans(), p.result()));
    }

    synchronized int held() {
        return pending.size();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = new CompletableResultCode();
        synchronized (this) {
            if (hold) {
                pending.add(new Pending(List.copyOf(spans), result));
                return result;
            }
        }
        answer(spans, result);
        return result;
    }

    private void answer(Collection<SpanData> spans, CompletableResultCode result) {
        boolean failNow;
        synchronized (this) {
            failNow = fail;
        }
        if (failNow) {
            result.failExceptionally(new ConnectException("Failed to connect to collector:4317"));
        } else {
            received.addAll(spans);
            result.succeed();
        }
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        release();
        return CompletableResultCode.ofSuccess();
    }
}
