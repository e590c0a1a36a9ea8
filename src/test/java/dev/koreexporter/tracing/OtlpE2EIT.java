package dev.koreexporter.tracing;

import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.simulator.lab.TruthSession;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's first cycle against the simulator, its spans sent with the SDK's OTLP exporter to a real OTLP
 * receiver built from the official protocol definitions: every turn and closed session arrives, with its ids,
 * parent/child links, backdated timestamps and attributes as the simulator's ground truth says.
 */
class OtlpE2EIT {
    @TempDir
    Path state;

    @ParameterizedTest
    @ValueSource(strings = {"grpc", "http/protobuf"})
    void everySpanArrivesIntactOverOtlp(String protocol) throws Exception {
        try (OtlpReceiver receiver = protocol.equals("grpc") ? new OtlpReceiver.Grpc() : new OtlpReceiver.Http()) {
            Map<String, String> env = Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", protocol,
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "200");
            try (TracedDaemon d = new TracedDaemon(1.0, env, state)) {
                d.awaitBackfill();
                List<TracedDaemon.Turn> turns = d.turns();
                List<TruthSession> sessions = d.closedSessions();
                assertTrue(turns.size() > 100, "the hour holds turns: " + turns.size());
                assertTrue(d.tracer.flush(Duration.ofSeconds(30)));
                int expectedSpans = sessions.size() + turns.stream().mapToInt(t -> 1 + segments(t.message())).sum();
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spans().size() >= expectedSpans);

                List<OtlpReceiver.Received> spans = receiver.spans();
                Map<String, OtlpReceiver.Received> byId = new HashMap<>();
                spans.forEach(s -> byId.put(s.spanId(), s));
                assertEquals(expectedSpans, spans.size(), "no span lost, none sent twice");
                assertEquals(spans.size(), byId.size(), "span ids unique");
                for (OtlpReceiver.Received s : spans) {
                    assertEquals("kore-exporter", s.resource().get("service.name"));
                    assertEquals(OtelTurnTracer.INSTRUMENTATION, s.scope());
                    assertEquals(Span.SpanKind.SPAN_KIND_INTERNAL, s.span().getKind());
                }
                for (TracedDaemon.Turn t : turns) {
                    assertTurn(t, byId);
                }
                for (TruthSession s : sessions) {
                    OtlpReceiver.Received span = byId.get(SpanIds.sessionSpanId(s.botId(), s.session().id()));
                    assertNotNull(span, "kore.session of " + s);
                    assertEquals("kore.session", span.span().getName());
                    assertEquals("", span.parentSpanId());
                    assertEquals(SpanIds.traceId(s.botId(), s.session().id()), span.traceId());
                    assertEquals(nanos(s.session().start()), span.span().getStartTimeUnixNano());
                    assertEquals(nanos(s.session().end()), span.span().getEndTimeUnixNano());
                    assertEquals(s.session().containment().wireName(), text(span, "kore.containment"));
                    assertEquals(s.session().id(), text(span, "gen_ai.conversation.id"));
                }
                long linked = turns.stream().filter(t -> t.koreTraceId() != null).count();
                assertTrue(linked > turns.size() / 2, "most turns answer a user message with a traceId: " + linked);
                if (receiver instanceof OtlpReceiver.Http http) {
                    assertTrue(http.contentTypes.stream().allMatch("application/x-protobuf"::equals), http.contentTypes::toString);
                }
            }
        }
    }

    private static void assertTurn(TracedDaemon.Turn t, Map<String, OtlpReceiver.Received> byId) {
        Message m = t.message();
        Latency l = m.latency();
        SpanIds.TurnIds ids = SpanIds.turnIds(m.id());
        OtlpReceiver.Received turn = byId.get(ids.turn());
        assertNotNull(turn, "kore.turn of " + m.id());
        assertEquals("kore.turn", turn.span().getName());
        assertEquals(SpanIds.traceId(t.botId(), m.sessionId()), turn.traceId());
        assertEquals(SpanIds.sessionSpanId(t.botId(), m.sessionId()), turn.parentSpanId());
        long end = nanos(m.createdOn());
        long start = end - OtelTurnTracer.ms(l.totalMs());
        assertEquals(start, turn.span().getStartTimeUnixNano(), m.id());
        assertEquals(end, turn.span().getEndTimeUnixNano(), m.id());
        Map<String, Object> expected = new HashMap<>();
        expected.put("gen_ai.conversation.id", m.sessionId());
        expected.put("kore.bot.id", t.botId());
        expected.put("kore.channel", m.channel());
        expected.put("kore.language", m.language());
        expected.put("kore.message.id", m.id());
        if (t.koreTraceId() != null) {
            expected.put("kore.trace_id", t.koreTraceId());
        }
        if (l.asr() != null) {
            expected.put("kore.asr.provider", l.asr().provider());
            expected.put("kore.asr.confidence", l.asr().confidence());
        }
        if (l.tts() != null) {
            expected.put("kore.tts.provider", l.tts().provider());
            expected.put("kore.tts.characters", l.tts().characters());
            expected.put("kore.tts.audio_ms", l.tts().audioMs());
            if (l.tts().streaming() != null) {
                expected.put("kore.tts.streaming", l.tts().streaming());
            }
        }
        // kore.gap_ms exactly when kore_turn_gap_seconds observes the turn: all four values valid, no overlap.
        if (l.asr() != null && l.bot() != null && l.tts() != null) {
            double gap = l.totalMs() - l.asr().durationMs() - l.bot().durationMs() - l.tts().durationMs();
            if (gap >= 0) {
                expected.put("kore.gap_ms", gap);
            }
        }
        Map<String, Object> actual = turn.attributes().entrySet().stream()
                .filter(e -> !e.getKey().equals("kore.bot.name"))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> value(e.getValue())));
        assertEquals(expected, actual, m.id());
        assertFalse(turn.attributes().get("kore.bot.name").getStringValue().isBlank());

        // Segments end to end from the turn's start, in the order asr, bot, tts, each its own duration.
        long at = start;
        String[][] segments = {{"kore.asr", ids.asr()}, {"kore.bot", ids.bot()}, {"kore.tts", ids.tts()}};
        Double[] durations = {l.asr() == null ? null : l.asr().durationMs(), l.bot() == null ? null : l.bot().durationMs(),
                l.tts() == null ? null : l.tts().durationMs()};
        for (int i = 0; i < 3; i++) {
            OtlpReceiver.Received seg = byId.get(segments[i][1]);
            if (durations[i] == null) {
                assertEquals(null, seg, segments[i][0] + " of " + m.id());
                continue;
            }
            assertNotNull(seg, segments[i][0] + " of " + m.id());
            assertEquals(segments[i][0], seg.span().getName());
            assertEquals(turn.spanId(), seg.parentSpanId());
            assertEquals(turn.traceId(), seg.traceId());
            assertEquals(at, seg.span().getStartTimeUnixNano());
            at += OtelTurnTracer.ms(durations[i]);
            assertEquals(at, seg.span().getEndTimeUnixNano());
            if (i == 2 && l.tts().firstByteMs() != null) {
                assertEquals(1, seg.span().getEventsCount());
                assertEquals("first_byte", seg.span().getEvents(0).getName());
                assertEquals(seg.span().getStartTimeUnixNano() + OtelTurnTracer.ms(l.tts().firstByteMs()),
                        seg.span().getEvents(0).getTimeUnixNano());
            }
        }
    }

    private static int segments(Message m) {
        Latency l = m.latency();
        return (l.asr() != null && l.asr().durationMs() != null ? 1 : 0) + (l.bot() != null && l.bot().durationMs() != null ? 1 : 0)
                + (l.tts() != null && l.tts().durationMs() != null ? 1 : 0);
    }

    private static String text(OtlpReceiver.Received s, String key) {
        AnyValue v = s.attributes().get(key);
        return v == null ? null : v.getStringValue();
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            default -> v.toString();
        };
    }

    private static long nanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }
}
