package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/** Builds the tracer from the {@code OTEL_*} environment with the SDK's autoconfigure module. */
final class EnvironmentTracing {
    private static final Logger LOG = Logger.getLogger(EnvironmentTracing.class.getName());
    static final String DEFAULT_SERVICE_NAME = "kore-exporter";
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private EnvironmentTracing() {
    }

    static OtelTurnTracer create(ExporterConfig.Tracing cfg, Map<String, String> env) {
        Map<String, String> props = properties(env);
        String exporters = props.getOrDefault("otel.traces.exporter", "otlp").trim();
        if (exporters.equals("none") || exporters.isEmpty() || "true".equalsIgnoreCase(props.get("otel.sdk.disabled"))) {
            LOG.info("tracing: off (OTEL_TRACES_EXPORTER=none)");
            return disabled(cfg);
        }
        PresetIdGenerator ids = new PresetIdGenerator();
        SpanStats stats = new SpanStats();
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .disableShutdownHook()
                .addPropertiesCustomizer(config -> props)
                .addResourceCustomizer((resource, config) -> withDefaultServiceName(resource))
                // Only traces: the exporter's metrics go to Prometheus. This meter provider exists so that the
                // batch span processor reports its drops to SpanStats.
                .addMeterProviderCustomizer((builder, config) -> builder.registerMetricReader(stats))
                .addSpanExporterCustomizer((exporter, config) -> stats.counting(exporter))
                .addTracerProviderCustomizer((builder, config) -> builder.setIdGenerator(ids))
                .build()
                .getOpenTelemetrySdk();
        LOG.info(() -> "tracing: exporter=" + exporters + " protocol="
                + props.getOrDefault("otel.exporter.otlp.protocol", "grpc (SDK default)")
                + " sampler=" + sdk.getSdkTracerProvider().getSampler().getDescription());
        return new OtelTurnTracer(cfg, sdk, ids, stats, true);
    }

    /** Emits nothing: no processor, and a sampler that keeps nothing, so no SpanRef is ever returned. */
    static OtelTurnTracer disabled(ExporterConfig.Tracing cfg) {
        PresetIdGenerator ids = new PresetIdGenerator();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setIdGenerator(ids).setSampler(Sampler.alwaysOff()).build();
        return new OtelTurnTracer(cfg, OpenTelemetrySdk.builder().setTracerProvider(provider).build(), ids,
                new SpanStats(), false);
    }

    /**
     * {@code OTEL_FOO_BAR} as the SDK property {@code otel.foo.bar}; metrics and logs exporters off whatever
     * the environment says (Prometheus is the metrics path).
     */
    static Map<String, String> properties(Map<String, String> env) {
        Map<String, String> props = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) {
                props.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        props.put("otel.metrics.exporter", "none");
        props.put("otel.logs.exporter", "none");
        return props;
    }

    static Resource defaultServiceName() {
        return Resource.create(Attributes.of(SERVICE_NAME,
                DEFAULT_SERVICE_NAME));
    }

    /** {@code kore-exporter} unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES named the service. */
    private static Resource withDefaultServiceName(Resource resource) {
        String name = resource.getAttribute(SERVICE_NAME);
        return name == null || name.startsWith("unknown_service") ? resource.merge(defaultServiceName()) : resource;
    }
}
