package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Builds the tracer from the {@code OTEL_*} environment with the SDK's autoconfigure module. */
final class EnvironmentTracing {
    private static final Logger LOG = Logger.getLogger(EnvironmentTracing.class.getName());
    static final String DEFAULT_SERVICE_NAME = "kore-exporter";
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    /** Marks the environment {@link #demo} made (not an OTEL_ variable, so the SDK never sees it). */
    private static final String DEMO_KEY = "KORE_EXPORTER_DEMO_TRACING";
    static final String DEMO_LINE = "tracing: off in demo mode (OTEL_TRACES_EXPORTER is not set, and there is no"
            + " collector to send spans to). To see the spans: OTEL_TRACES_EXPORTER=zipkin (Zipkin on localhost:9411),"
            + " OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 (Tempo, Jaeger or an"
            + " OpenTelemetry Collector), or OTEL_TRACES_EXPORTER=console (spans in this log)";
    private static final List<Logger> MUTED = new ArrayList<>();

    private EnvironmentTracing() {
    }

    static OtelTurnTracer create(ExporterConfig.Tracing cfg, Map<String, String> env) {
        Map<String, String> props = properties(env);
        String exporters = props.getOrDefault("otel.traces.exporter", "otlp").trim();
        if (exporters.equals("none") || exporters.isEmpty() || "true".equalsIgnoreCase(props.get("otel.sdk.disabled"))) {
            LOG.info("true".equals(env.get(DEMO_KEY)) ? DEMO_LINE : "tracing: off (OTEL_TRACES_EXPORTER=none)");
            return disabled(cfg);
        }
        muteExporterLogs();
        SpanGate gate = new SpanGate();
        SpanStats stats = new SpanStats(gate);
        AtomicReference<Resource> resource = new AtomicReference<>();
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .disableShutdownHook()
                .addPropertiesCustomizer(config -> props)
                // The last step of building the resource: what this returns is the resource of every span.
                .addResourceCustomizer((detected, config) -> {
                    resource.set(withDefaultServiceName(detected));
                    return resource.get();
                })
                // Only traces: the metrics have an SDK of their own (README "OTLP metrics"). This meter provider
                // exists so that the batch span processor reports its drops to SpanStats.
                .addMeterProviderCustomizer((builder, config) -> builder.registerMetricReader(stats))
                .addSpanExporterCustomizer((exporter, config) -> gate.counting(exporter))
                .addSpanProcessorCustomizer((processor, config) -> gate.gating(processor,
                        config.getInt("otel.bsp.max.queue.size", SpanGate.DEFAULT_CAPACITY),
                        config.getDuration("otel.bsp.export.timeout", SpanGate.DEFAULT_MAX_WAIT)))
                .build()
                .getOpenTelemetrySdk();
        LOG.info(() -> "tracing: exporter=" + exporters + " protocol="
                + props.getOrDefault("otel.exporter.otlp.protocol", "grpc (SDK default)")
                + " sampler=" + sdk.getSdkTracerProvider().getSampler().getDescription());
        return new OtelTurnTracer(cfg, sdk, resource.get(), gate, stats, true);
    }

    /** Emits nothing: no processor, and a sampler that keeps nothing, so no SpanRef is ever returned. */
    static OtelTurnTracer disabled(ExporterConfig.Tracing cfg) {
        SdkTracerProvider provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff()).build();
        SpanGate gate = new SpanGate();
        return new OtelTurnTracer(cfg, OpenTelemetrySdk.builder().setTracerProvider(provider).build(),
                Resource.getDefault(), gate, new SpanStats(gate), false);
    }

    /**
     * The environment for demo mode: tracing off unless {@code OTEL_TRACES_EXPORTER} chose a backend, because a
     * newcomer has no collector on localhost:4317, and spans sent nowhere would only give exemplars that
     * resolve nowhere (README "Tracing").
     */
    static Map<String, String> demo(Map<String, String> env) {
        if (env.containsKey("OTEL_TRACES_EXPORTER")) {
            return env;
        }
        Map<String, String> demo = new HashMap<>(env);
        demo.put("OTEL_TRACES_EXPORTER", "none");
        demo.put(DEMO_KEY, "true");
        return demo;
    }

    /**
     * The SDK's exporters log a SEVERE line with a stack trace for every failed batch: {@link SpanGate} logs one
     * line when exports start failing and one when they recover instead. Kept here: JUL holds loggers weakly.
     */
    private static void muteExporterLogs() {
        synchronized (MUTED) {
            if (MUTED.isEmpty()) {
                for (String name : List.of("io.opentelemetry.exporter.otlp", "io.opentelemetry.exporter.zipkin",
                        "io.opentelemetry.exporter.internal", "io.opentelemetry.exporter.sender")) {
                    Logger l = Logger.getLogger(name);
                    l.setLevel(Level.OFF);
                    MUTED.add(l);
                }
            }
        }
    }

    /**
     * {@code OTEL_FOO_BAR} as the SDK property {@code otel.foo.bar}; metrics and logs exporters off whatever
     * the environment says (the metrics' OTLP push is a separate SDK, README "OTLP metrics").
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
        return Resource.create(Attributes.of(SERVICE_NAME, DEFAULT_SERVICE_NAME));
    }

    /** {@code kore-exporter} unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES named the service. */
    private static Resource withDefaultServiceName(Resource resource) {
        String name = resource.getAttribute(SERVICE_NAME);
        return name == null || name.startsWith("unknown_service") ? resource.merge(defaultServiceName()) : resource;
    }
}
