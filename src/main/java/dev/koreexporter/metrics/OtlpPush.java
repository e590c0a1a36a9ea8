package dev.koreexporter.metrics;

import dev.koreexporter.metrics.store.SeriesStore;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kore_* series pushed over OTLP (README "OTLP metrics"), set up like the traces with the SDK's standard
 * {@code OTEL_*} variables: {@code OTEL_METRICS_EXPORTER=otlp} (default {@code none}: {@code /metrics} only), the
 * endpoint, protocol and headers of the OTLP exporter, {@code OTEL_METRIC_EXPORT_INTERVAL}. The SDK's periodic
 * reader pulls from a {@code MetricProducer} that reads the store as a scrape does, so what is pushed is what
 * {@code /metrics} shows at that moment, always cumulative; no instrument of the SDK's own is pushed.
 */
public final class OtlpPush {
    /** Pushes nothing. */
    public static final OtlpPush NONE = new OtlpPush(Map.of(), false);

    private static final Logger LOG = Logger.getLogger(OtlpPush.class.getName());
    static final String SCOPE = "dev.koreexporter.metrics";
    static final String DEFAULT_SERVICE_NAME = "kore-exporter";
    private static final String HISTOGRAM_AGGREGATION = "otel.exporter.otlp.metrics.default.histogram.aggregation";
    /** Kept here: JUL holds loggers weakly. */
    private static final List<Logger> MUTED = new ArrayList<>();

    private final Map<String, String> properties;
    private final boolean enabled;

    private OtlpPush(Map<String, String> properties, boolean enabled) {
        this.properties = properties;
        this.enabled = enabled;
    }

    /** What {@code env} asks for: nothing unless {@code OTEL_METRICS_EXPORTER} names an exporter. */
    public static OtlpPush fromEnvironment(Map<String, String> env) {
        Map<String, String> props = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) {
                props.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        String exporter = props.getOrDefault("otel.metrics.exporter", "none").trim();
        if (exporter.isEmpty() || exporter.equals("none") || "true".equalsIgnoreCase(props.get("otel.sdk.disabled"))) {
            return NONE;
        }
        // Traces have their own SDK (README "Tracing"); this one pushes metrics only.
        props.put("otel.traces.exporter", "none");
        props.put("otel.logs.exporter", "none");
        if (!props.containsKey("otel.service.name")
                && !props.getOrDefault("otel.resource.attributes", "").matches("(^|.*,)\\s*service\\.name=.*")) {
            props.put("otel.service.name", DEFAULT_SERVICE_NAME);
        }
        return new OtlpPush(Map.copyOf(props), true);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Pushes the store's series every {@code OTEL_METRIC_EXPORT_INTERVAL} until closed; closing pushes one last
     * time. A configuration the SDK refuses (an unknown exporter or protocol) throws here, before anything runs.
     */
    public AutoCloseable start(SeriesStore store, String version, Clock clock) {
        if (!enabled) {
            return () -> { };
        }
        mute();
        long startNanos = TimeUnit.MILLISECONDS.toNanos(clock.millis());
        InstrumentationScopeInfo scope = InstrumentationScopeInfo.builder(SCOPE).setVersion(version).build();
        boolean exponential = !"explicit_bucket_histogram".equalsIgnoreCase(
                properties.getOrDefault(HISTOGRAM_AGGREGATION, "").trim());
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .disableShutdownHook()
                // Overrides, not defaults: the environment must not turn this SDK's traces or logs exporter on.
                .addPropertiesCustomizer(config -> properties)
                .addMeterProviderCustomizer((builder, config) -> builder
                        // Only the store's series: instruments the SDK's exporters may register are dropped.
                        .registerView(InstrumentSelector.builder().setName("*").build(),
                                View.builder().setAggregation(Aggregation.drop()).build())
                        .registerMetricProducer(resource -> store.otlp(resource, scope, startNanos, exponential)))
                .addMetricExporterCustomizer((exporter, config) -> new FailureLog(exporter))
                .build()
                .getOpenTelemetrySdk();
        LOG.info(() -> "metrics: pushing over OTLP, exporter=" + properties.get("otel.metrics.exporter")
                + " protocol=" + properties.getOrDefault("otel.exporter.otlp.metrics.protocol",
                properties.getOrDefault("otel.exporter.otlp.protocol", "grpc (SDK default)"))
                + " interval=" + properties.getOrDefault("otel.metric.export.interval", "60000") + " ms"
                + (exponential ? "" : ", latency histograms with explicit buckets"));
        return sdk::close;
    }

    /**
     * The SDK's exporters log a SEVERE line with a stack trace for every failed export: {@link FailureLog} logs one
     * line when pushes start failing and one when they recover instead.
     */
    private static void mute() {
        synchronized (MUTED) {
            if (MUTED.isEmpty()) {
                for (String name : List.of("io.opentelemetry.exporter.otlp", "io.opentelemetry.exporter.internal",
                        "io.opentelemetry.exporter.sender")) {
                    Logger l = Logger.getLogger(name);
                    l.setLevel(Level.OFF);
                    MUTED.add(l);
                }
            }
        }
    }

    /** The SDK's metric exporter, logging when pushes start failing and when they work again. */
    private static final class FailureLog implements MetricExporter {
        private final MetricExporter delegate;
        private final AtomicBoolean failing = new AtomicBoolean();

        FailureLog(MetricExporter delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            CompletableResultCode result = delegate.export(metrics);
            result.whenComplete(() -> {
                if (!result.isSuccess() && failing.compareAndSet(false, true)) {
                    Throwable why = result.getFailureThrowable();
                    LOG.warning("metrics: OTLP push failing (retried at the next interval with the then cumulative"
                            + " values, nothing is lost): " + (why == null ? "export failed" : why.toString()));
                } else if (result.isSuccess() && failing.compareAndSet(true, false)) {
                    LOG.info("metrics: OTLP push works again");
                }
            });
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
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return delegate.getAggregationTemporality(instrumentType);
        }

        @Override
        public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
            return delegate.getDefaultAggregation(instrumentType);
        }

        @Override
        public MemoryMode getMemoryMode() {
            return delegate.getMemoryMode();
        }
    }
}
