package dev.koreexporter.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * {@code /metrics}: reads the meters, never calls Kore.ai. The format follows the {@code Accept} header: the
 * Prometheus protobuf format when asked for (the only one carrying native histograms, README "Native
 * histograms"; its writer comes from prometheus-metrics-exposition-formats, which must be on the class path),
 * OpenMetrics with exemplars when asked for, else Prometheus text 0.0.4. The exposition is streamed to the
 * response, not buffered whole.
 */
public final class MetricsService implements HttpService {
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Renders at once; more scrapers than this wait up to {@link #QUEUE_WAIT}, then get 503. */
    static final int MAX_CONCURRENT_RENDERS = 2;
    static final java.time.Duration QUEUE_WAIT = java.time.Duration.ofSeconds(2);

    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final java.util.concurrent.Semaphore renders;

    public MetricsService(PrometheusRegistry registry) {
        this(registry, MAX_CONCURRENT_RENDERS);
    }

    /** @param maxConcurrent renders allowed at once: each holds a snapshot of every series in memory */
    MetricsService(PrometheusRegistry registry, int maxConcurrent) {
        this.registry = registry;
        this.renders = new java.util.concurrent.Semaphore(maxConcurrent, true);
    }

    /** Scrapes waiting for a render slot now (tests). */
    int waiting() {
        return renders.getQueueLength();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::metrics);
    }

    private void metrics(ServerRequest req, ServerResponse res) throws IOException, InterruptedException {
        if (!renders.tryAcquire(QUEUE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            res.status(io.helidon.http.Status.SERVICE_UNAVAILABLE_503);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send("too many concurrent scrapes\n");
            return;
        }
        try {
            render(req, res);
        } finally {
            renders.release();
        }
    }

    private void render(ServerRequest req, ServerResponse res) throws IOException, InterruptedException {
        String accept = req.headers().first(HeaderNames.ACCEPT).orElse(null);
        ExpositionFormatWriter writer = formats.findWriter(accept);
        MetricSnapshots snapshots = registry.scrape();
        res.header(HeaderNames.CONTENT_TYPE, writer.getContentType());
        try (OutputStream out = new BufferedOutputStream(res.outputStream(), BUFFER_BYTES)) {
            render(writer, snapshots, out);
        }
    }

    /**
     * Writes on a platform thread. Why: the text writers wrap the stream in a {@code BufferedWriter}, which on a
     * virtual thread (Helidon's request threads) starts at 512 chars and grows by each write's length up to 8k,
     * copying itself every time: ~20 MB of garbage and most of the CPU per 5k-series scrape (JFR). On a
     * platform thread it starts at 8k.
     */
    private static void render(ExpositionFormatWriter writer, MetricSnapshots snapshots, OutputStream out)
            throws IOException, InterruptedException {
        FutureTask<Void> task = new FutureTask<>(() -> {
            writer.write(out, snapshots);
            return null;
        });
        Thread.ofPlatform().name("metrics-render").daemon().start(task);
        try {
            task.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case UncheckedIOException io -> throw io.getCause();
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }
}
