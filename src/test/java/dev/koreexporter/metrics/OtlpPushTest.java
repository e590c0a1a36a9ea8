package dev.koreexporter.metrics;

import dev.koreexporter.metrics.store.SeriesStore;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the OTLP push runs (README "OTLP metrics"): only when OTEL_METRICS_EXPORTER asks for it. */
class OtlpPushTest {
    private static final SeriesStore STORE = new SeriesStore(Buckets.DEFAULTS, 500, Clock.systemUTC());

    @Test
    void offUnlessTheEnvironmentNamesAnExporter() {
        assertFalse(OtlpPush.fromEnvironment(Map.of()).enabled(), "the default is none, /metrics only");
        assertFalse(OtlpPush.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "otlp")).enabled(), "traces alone");
        assertFalse(OtlpPush.fromEnvironment(Map.of("OTEL_METRICS_EXPORTER", "none")).enabled());
        assertFalse(OtlpPush.fromEnvironment(Map.of("OTEL_METRICS_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true"))
                .enabled());
        assertTrue(OtlpPush.fromEnvironment(Map.of("OTEL_METRICS_EXPORTER", "otlp")).enabled());
    }

    @Test
    void aConfigurationTheSdkRefusesFailsAtStart() {
        OtlpPush push = OtlpPush.fromEnvironment(Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon"));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> push.start(STORE, "test", Clock.systemUTC()));
        assertTrue(e.getMessage().contains("carrier-pigeon"), e.getMessage());
    }
}
