package dev.koreexporter.metrics;

import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.BudgetWindow;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.ExclusionReason;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;
import dev.koreexporter.model.Session;
import dev.koreexporter.metrics.store.ExpositionFormat;
import dev.koreexporter.metrics.store.ScrapeFilter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden file for the /metrics text of a fixed dataset (json_exporter style: good input in, expected
 * metrics out). Regenerate with -Dgolden.update=true and review the diff by eye.
 */
class MetricsGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/metrics.txt");
    static final Path GOLDEN_OPENMETRICS = Path.of("src/test/resources/golden/metrics-openmetrics.txt");
    /** An exemplar's timestamp is the wall-clock time of the observation: the only part that differs per run. */
    private static final Pattern EXEMPLAR_TIME = Pattern.compile("( # \\{[^}]*} \\S+) \\d+(\\.\\d+)?$",
            Pattern.MULTILINE);
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    /** Renders the fixed dataset as Prometheus text; also used by the promtool lint of the same text. */
    static String render() throws IOException {
        return render(false);
    }

    /** Rendered as /metrics renders it, by the series store's own writers. */
    static String render(boolean openMetrics) throws IOException {
        Dataset d = fixedDataset();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.metrics().store().write(openMetrics ? ExpositionFormat.OPENMETRICS : ExpositionFormat.TEXT, ScrapeFilter.ALL,
                d.registry(), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The metrics and the registry they are registered with (where client_java's writers find them too). */
    record Dataset(PrometheusRegistry registry, KoreMetrics metrics) {
    }

    /** Every kore_* meter fed a fixed dataset (two voice turns, one with an exemplar), published. */
    static Dataset fixedDataset() {
        PrometheusRegistry registry = new PrometheusRegistry();
        KoreMetrics m = new KoreMetrics(registry, Map.of("kore_tts_audio_seconds", List.of(1.0, 5.0)), "1.2.3",
                Clock.fixed(NOW, ZoneOffset.UTC));
        m.register(new BotGauges() {
            @Override
            public String bot() {
                return "billing";
            }

            @Override
            public OptionalDouble watermarkLagSeconds(Instant now) {
                return OptionalDouble.of(42.5);
            }

            @Override
            public Map<Containment, Double> containmentRatios(Instant now) {
                return Map.of(Containment.SELF_SERVICE, 0.75, Containment.DROP_OFF, 0.25, Containment.AGENT, 0.0);
            }
        });
        Latency full = new Latency(1234.0, new Latency.Asr(310.0, "google", 0.94), new Latency.BotSegment(680.0),
                new Latency.Tts(244.0, "azure", 42L, 2100.0, true, 85.0));
        Latency noAsrNoFirstByte = new Latency(1800.0, null, new Latency.BotSegment(1500.0),
                new Latency.Tts(300.0, "polly", 10L, 900.0, null, null));
        Message in = new Message("ms-1", "s-1", Direction.INCOMING, "korevg", "en", NOW, null, null);
        Message out1 = new Message("ms-2", "s-1", Direction.OUTGOING, "korevg", "en", NOW, full, null);
        Message out2 = new Message("ms-3", "s-1", Direction.OUTGOING, "ivrVoice", null, NOW, noAsrNoFirstByte, null);
        m.message("billing", in);
        m.message("billing", out1);
        m.turn("billing", out1, null);
        m.message("billing", out2);
        m.turn("billing", out2, new TurnExemplar("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));
        m.sessionClosed("billing", new Session("s-1", "korevg", NOW.minusSeconds(95), NOW, false,
                Containment.SELF_SERVICE, "interactive", 6, List.of("en")));
        m.conversation("billing", new AgentAiConversation("c-1", "voice", null, NOW));
        m.duplicate("billing", RecordKind.MESSAGE);
        m.rejected("billing", new Rejection(RecordKind.MESSAGE, RejectionReason.MISSING_ID));
        m.rejected("billing", new Rejection(RecordKind.SEGMENT, RejectionReason.BAD_VALUE));
        m.excluded("billing", RecordKind.SESSION, ExclusionReason.DEVELOPER);
        ApiRequestListener api = m.apiListener("billing");
        api.requestCompleted(Endpoint.GET_MESSAGES_V2, "200", Duration.ofMillis(120));
        api.requestCompleted(Endpoint.GET_SESSIONS, "429", Duration.ofMillis(30));
        api.throttled(Endpoint.GET_SESSIONS);
        m.cycleFinished("billing", true);
        m.recordDelay("billing", RecordKind.MESSAGE, Duration.ofSeconds(40));
        m.recordDelay("billing", RecordKind.SESSION, Duration.ofMinutes(14));
        m.lookback(Duration.ofMinutes(20));
        m.registerApiBudget("billing", w -> w == BudgetWindow.MINUTE ? 0.25 : 0.125);
        m.standby("billing", false);
        m.publish("billing");
        return new Dataset(registry, m);
    }

    @Test
    void openMetricsCarriesTheTurnExemplarOnBucketsOnly() throws IOException {
        List<String> lines = render(true).lines().toList();
        String exemplar = "# {span_id=\"b7ad6b7169203331\",trace_id=\"0af7651916cd43dd8448eb211c80319c\"}";
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("kore_turn_latency_seconds_bucket{")
                && l.contains("channel=\"ivrVoice\"") && l.contains("le=\"2.0\"") && l.contains(exemplar + " 1.8")), 
                "exemplar on the bucket the 1.8 s turn fell in");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("kore_tts_first_byte_seconds_bucket") && l.contains(" # ")) == false,
                "the turn without a first byte has no first-byte exemplar, the other turn had no span");
        assertTrue(lines.stream().filter(l -> l.contains("_count{") || l.contains("_sum{") || l.contains("_total{"))
                .noneMatch(l -> l.contains(" # {")), "Prometheus 2.42 rejects exemplars on _count: none there");
    }

    @Test
    void metricsOfAFixedDatasetMatchTheGoldenFile() throws IOException {
        String actual = render();
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN, actual);
        }
        assertEquals(Files.readString(GOLDEN), actual);
    }

    @Test
    void openMetricsOfAFixedDatasetMatchTheGoldenFile() throws IOException {
        String actual = EXEMPLAR_TIME.matcher(render(true)).replaceAll("$1 <time>");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN_OPENMETRICS, actual);
        }
        assertEquals(Files.readString(GOLDEN_OPENMETRICS), actual);
    }
}
