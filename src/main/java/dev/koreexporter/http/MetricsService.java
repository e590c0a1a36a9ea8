package dev.koreexporter.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code /metrics}: reads the meters, never calls Kore.ai. The format follows the {@code Accept} header
 * (OpenMetrics with exemplars when asked for), else Prometheus text 0.0.4.
 */
public final class MetricsService implements HttpService {
    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();

    public MetricsService(PrometheusRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::metrics);
    }

    private void metrics(ServerRequest req, ServerResponse res) throws IOException {
        String accept = req.headers().first(HeaderNames.ACCEPT).orElse(null);
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        writer.write(out, registry.scrape());
        res.header(HeaderNames.CONTENT_TYPE, writer.getContentType());
        res.send(out.toByteArray());
    }
}
