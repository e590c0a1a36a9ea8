package dev.koreexporter.metrics.store;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;

/**
 * The formats {@code /metrics} answers in, chosen from the {@code Accept} header exactly as client_java's
 * exporters choose (README "Endpoints"), whose writers also write the JVM and process metrics of each format.
 */
public enum ExpositionFormat {
    TEXT,
    OPENMETRICS,
    PROTOBUF;

    private static final ExpositionFormats WRITERS = ExpositionFormats.init();

    /** The format for a request's {@code Accept} header (null: no header). */
    public static ExpositionFormat of(String accept) {
        ExpositionFormatWriter w = WRITERS.findWriter(accept);
        if (w instanceof PrometheusProtobufWriter) {
            return PROTOBUF;
        }
        return w instanceof OpenMetricsTextFormatWriter ? OPENMETRICS : TEXT;
    }

    public String contentType() {
        return writer().getContentType();
    }

    /** client_java's writer of this format. */
    ExpositionFormatWriter writer() {
        return switch (this) {
            case TEXT -> WRITERS.getPrometheusTextFormatWriter();
            case OPENMETRICS -> WRITERS.getOpenMetricsTextFormatWriter();
            case PROTOBUF -> WRITERS.getPrometheusProtobufWriter();
        };
    }
}
