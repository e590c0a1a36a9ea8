package dev.koreexporter.http;

import dev.koreexporter.metrics.store.ExpositionFormat;
import dev.koreexporter.metrics.store.ScrapeFilter;
import dev.koreexporter.metrics.store.SeriesStore;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * {@code /metrics}: the kore_* series from the {@link SeriesStore} and the JVM and process metrics from the
 * registry, never a call to Kore.ai (README "Endpoints"). The format follows the {@code Accept} header as
 * client_java's exporters choose it: the Prometheus protobuf format when asked for (the only one carrying native
 * histograms, README "Native histograms"), OpenMetrics with exemplars when asked for, else Prometheus text
 * 0.0.4. {@code ?bot=NAME} (repeatable) and {@code ?name[]=METRIC} (repeatable) narrow the answer, for split
 * scrapes. The answer is gzip-compressed when the client accepts it, as Prometheus always does.
 *
 * <p>A render produces the compressed answer in memory ({@link SharedRenders}): concurrent scrapes of the same
 * format and filter share it, and no render slot is held while the answer is written, so a client that never
 * reads holds only its copy of the compressed bytes (README "Performance and sizing").
 */
public final class MetricsService implements HttpService {
    /** Renders at once; more scrapers than this wait up to {@link #QUEUE_WAIT}, then get 503. */
    static final int MAX_CONCURRENT_RENDERS = SharedRenders.MAX_CONCURRENT;
    static final Duration QUEUE_WAIT = SharedRenders.QUEUE_WAIT;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final SharedRenders renders;

    public MetricsService(SeriesStore store, PrometheusRegistry registry) {
        this(store, registry, MAX_CONCURRENT_RENDERS);
    }

    /** @param maxConcurrent renders allowed at once */
    MetricsService(SeriesStore store, PrometheusRegistry registry, int maxConcurrent) {
        this.renders = new SharedRenders(maxConcurrent,
                (key, out) -> store.write(key.format(), key.filter(), registry, out));
    }

    /** Scrapes waiting for a render slot now (tests). */
    int waiting() {
        return renders.waiting();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::metrics);
    }

    private void metrics(ServerRequest req, ServerResponse res) throws IOException, InterruptedException {
        ExpositionFormat format = ExpositionFormat.of(req.headers().first(HeaderNames.ACCEPT).orElse(null));
        SharedRenders.Rendered answer;
        try {
            answer = renders.render(new SharedRenders.Key(format, filter(req.query())));
        } catch (SharedRenders.BusyException e) {
            res.status(Status.SERVICE_UNAVAILABLE_503);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send("too many concurrent scrapes\n");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, format.contentType());
        res.header(HeaderNames.VARY, "Accept, Accept-Encoding");
        if (acceptsGzip(req.headers().first(HeaderNames.ACCEPT_ENCODING).orElse(null))) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.header(HeaderNames.CONTENT_LENGTH, Long.toString(answer.gzipLength()));
            try (OutputStream out = res.outputStream()) {
                answer.writeGzip(out);
            }
            return;
        }
        res.header(HeaderNames.CONTENT_LENGTH, Long.toString(answer.length()));
        try (InputStream in = new GZIPInputStream(answer.gzip(), BUFFER_BYTES); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        }
    }

    /** {@code bot} and client_java's {@code name[]} parameters; absent ones select everything. */
    static ScrapeFilter filter(UriQuery query) {
        return new ScrapeFilter(Set.copyOf(query.all("bot", List::of)), query.all("name[]", List::of));
    }

    /** Whether {@code Accept-Encoding} allows gzip (a q of 0 refuses it). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            if (name.equals("gzip") || name.equals("x-gzip") || name.equals("*")) {
                boolean refused = false;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                    refused |= p.startsWith("q=") && p.substring(2).matches("0(\\.0*)?");
                }
                if (!refused) {
                    return true;
                }
            }
        }
        return false;
    }
}
