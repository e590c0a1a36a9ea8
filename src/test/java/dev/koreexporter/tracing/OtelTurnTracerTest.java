package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.koreexporter.tracing.Fixtures.BOT;
import static dev.koreexporter.tracing.Fixtures.SESSION_START;
import static dev.koreexporter.tracing.Fixtures.closed;
import static dev.koreexporter.tracing.Fixtures.incoming;
import static dev.koreexporter.tracing.Fixtures.latency;
import static dev.koreexporter.tracing.Fixtures.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OtelTurnTracerTest {
    private static final ExporterConfig.Tracing NO_TEXT = new ExporterConfig.Tracing(false);
    private static final Instant T1 = Instant.parse("2026-03-02T10:00:05.250Z");
    private static final Instant T2 = Instant.parse("2026-03-02T10:00:12.901Z");

    private InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private OtelTurnTracer tracer = OtelTurnTracer.forExporter(NO_TEXT, exporter);

    @AfterEach
    void close() {
        tracer.close();
    }

    /** Two turns of one session, then the session closes. */
    private List<SpanData> emitSession(OtelTurnTracer t, InMemorySpanExporter out) {
        t.turn(BOT, turn("m-1", "sess-1", T1, latency(400.25, 600.0, 234.25, 80.5), null));
        t.turn(BOT, turn("m-2", "sess-1", T2, latency(300.0, 512.0, 188.0, null), null));
        t.sessionClosed(BOT, closed("sess-1", SESSION_START, T2.plusSeconds(3)));
        assertTrue(t.flush(Duration.ofSeconds(5)));
        return out.getFinishedSpanItems();
    }

    private static SpanData one(List<SpanData> spans, String name, String parentSpanId) {
        List<SpanData> found = spans.stream()
                .filter(s -> s.getName().equals(name) && s.getParentSpanId().equals(parentSpanId)).toList();
        assertEquals(1, found.size(), () -> name + " under " + parentSpanId + " in " + spans);
        return found.getFirst();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Test
    void sessionIsTheRootAndTurnsAndSegmentsHangBelowIt() {
        List<SpanData> spans = emitSession(tracer, exporter);
        assertEquals(9, spans.size(), spans::toString);

        SpanData session = one(spans, "kore.session", SpanId.getInvalid());
        List<SpanData> turns = spans.stream().filter(s -> s.getName().equals("kore.turn")).toList();
        assertEquals(2, turns.size());
        for (SpanData t : turns) {
            assertEquals(session.getSpanId(), t.getParentSpanId());
            for (String child : List.of("kore.asr", "kore.bot", "kore.tts")) {
                assertEquals(session.getTraceId(), one(spans, child, t.getSpanId()).getTraceId());
            }
        }
        assertEquals(1, spans.stream().map(SpanData::getTraceId).distinct().count(), "one trace per session");
    }

    @Test
    void turnIsBackdatedAndSegmentsAreLaidEndToEnd() {
        List<SpanData> spans = emitSession(tracer, exporter);
        SpanData t = spans.stream().filter(s -> "m-1".equals(s.getAttributes()
                .get(AttributeKey.stringKey("kore.message.id")))).findFirst().orElseThrow();
        long end = nanos(T1);
        long start = nanos(T1.minusNanos(1_234_500_000L)); // 400.25 + 600 + 234.25 ms
        assertEquals(start, t.getStartEpochNanos());
        assertEquals(end, t.getEndEpochNanos());

        SpanData asr = one(spans, "kore.asr", t.getSpanId());
        SpanData bot = one(spans, "kore.bot", t.getSpanId());
        SpanData tts = one(spans, "kore.tts", t.getSpanId());
        assertEquals(start, asr.getStartEpochNanos());
        assertEquals(start + 400_250_000L, asr.getEndEpochNanos());
        assertEquals(asr.getEndEpochNanos(), bot.getStartEpochNanos());
        assertEquals(start + 1_000_250_000L, bot.getEndEpochNanos());
        assertEquals(bot.getEndEpochNanos(), tts.getStartEpochNanos());
        assertEquals(end, tts.getEndEpochNanos());

        List<EventData> events = tts.getEvents();
        assertEquals(1, events.size());
        assertEquals("first_byte", events.getFirst().getName());
        assertEquals(tts.getStartEpochNanos() + 80_500_000L, events.getFirst().getEpochNanos());

        SpanData session = one(spans, "kore.session", SpanId.getInvalid());
        assertEquals(nanos(SESSION_START), session.getStartEpochNanos());
        assertEquals(nanos(T2.plusSeconds(3)), session.getEndEpochNanos());
    }

    @Test
    void absentSegmentProducesNoSpanAndAbsentFirstByteNoEvent() {
        tracer.turn(BOT, turn("m-9", "sess-9", T1, latency(null, 700.0, 210.0, null), null));
        assertTrue(tracer.flush(Duration.ofSeconds(5)));
        List<SpanData> spans = exporter.getFinishedSpanItems();
        SpanData t = one(spans, "kore.turn", SpanIds.sessionSpanId(BOT.id(), "sess-9"));
        assertEquals(Set.of("kore.turn", "kore.bot", "kore.tts"),
                spans.stream().map(SpanData::getName).collect(Collectors.toSet()));
        SpanData bot = one(spans, "kore.bot", t.getSpanId());
        assertEquals(t.getStartEpochNanos(), bot.getStartEpochNanos());
        assertTrue(one(spans, "kore.tts", t.getSpanId()).getEvents().isEmpty());
    }

    /** kore.gap_ms exactly when kore_turn_gap_seconds observes the turn; the span tree stays as it was. */
    @Test
    void theGapIsAnAttributeOfTheTurnOnlyWhenObserved() {
        Latency gap = new Latency(1300.0, new Latency.Asr(300.0, "microsoft", 0.87), new Latency.BotSegment(600.0),
                new Latency.Tts(250.0, "elevenlabs", 42L, 2750.5, true, null));
        Latency overlap = new Latency(1000.0, gap.asr(), gap.bot(), gap.tts());
        tracer.turn(BOT, turn("m-gap", "sess-g", T1, gap, null));
        tracer.turn(BOT, turn("m-overlap", "sess-g", T1, overlap, null));
        tracer.turn(BOT, turn("m-no-asr", "sess-g", T1, latency(null, 700.0, 210.0, null), null));
        assertTrue(tracer.flush(Duration.ofSeconds(5)));
        Map<String, SpanData> turns = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("kore.turn"))
                .collect(Collectors.toMap(s -> s.getAttributes().get(AttributeKey.stringKey("kore.message.id")), s -> s));
        AttributeKey<Double> gapMs = AttributeKey.doubleKey("kore.gap_ms");
        assertEquals(150.0, turns.get("m-gap").getAttributes().get(gapMs));
        assertEquals(null, turns.get("m-overlap").getAttributes().get(gapMs), "overlapping segments");
        assertEquals(null, turns.get("m-no-asr").getAttributes().get(gapMs), "no ASR segment");
        SpanData tts = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("kore.tts")
                && s.getParentSpanId().equals(turns.get("m-gap").getSpanId())).findFirst().orElseThrow();
        assertEquals(turns.get("m-gap").getStartEpochNanos() + 1_150_000_000L, tts.getEndEpochNanos(),
                "segments end to end from the turn's start: the gap is left at the end, no span of its own");
    }

    @Test
    void attributesFollowTheContract() {
        List<SpanData> spans = emitSession(tracer, exporter);
        SpanData t = spans.stream().filter(s -> "m-1".equals(s.getAttributes()
                .get(AttributeKey.stringKey("kore.message.id")))).findFirst().orElseThrow();
        Map<String, Object> expected = Map.ofEntries(
                Map.entry("gen_ai.conversation.id", "sess-1"), Map.entry("kore.bot.id", BOT.id()),
                Map.entry("kore.bot.name", BOT.name()), Map.entry("kore.channel", "korevg"),
                Map.entry("kore.language", "en"), Map.entry("kore.message.id", "m-1"),
                Map.entry("kore.asr.provider", "microsoft"), Map.entry("kore.asr.confidence", 0.87),
                Map.entry("kore.tts.provider", "elevenlabs"), Map.entry("kore.tts.streaming", true),
                Map.entry("kore.tts.characters", 42L), Map.entry("kore.tts.audio_ms", 2750.5),
                Map.entry("kore.gap_ms", 0.0));
        assertEquals(expected, attributes(t));
        assertEquals("microsoft", attributes(one(spans, "kore.asr", t.getSpanId())).get("kore.asr.provider"));
        assertEquals(42L, attributes(one(spans, "kore.tts", t.getSpanId())).get("kore.tts.characters"));

        Map<String, Object> session = attributes(one(spans, "kore.session", SpanId.getInvalid()));
        assertEquals("selfService", session.get("kore.containment"));
        assertEquals("interactive", session.get("kore.session.type"));
        assertEquals("sess-1", session.get("gen_ai.conversation.id"));
        assertEquals("kore-exporter", t.getResource().getAttribute(AttributeKey.stringKey("service.name")));
    }

    private static Map<String, Object> attributes(SpanData s) {
        return s.getAttributes().asMap().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().getKey(), Map.Entry::getValue));
    }

    @Test
    void idsAreTheSameFromTwoIndependentTracersAndValidHex() {
        InMemorySpanExporter otherOut = InMemorySpanExporter.create();
        List<SpanData> first = emitSession(tracer, exporter);
        List<SpanData> second;
        try (OtelTurnTracer other = OtelTurnTracer.forExporter(NO_TEXT, otherOut)) {
            second = emitSession(other, otherOut);
        }
        assertEquals(identities(first), identities(second));
        for (SpanData s : first) {
            assertTrue(s.getTraceId().matches("[0-9a-f]{32}"), s.getTraceId());
            assertTrue(s.getSpanId().matches("[0-9a-f]{16}"), s.getSpanId());
            assertTrue(s.getSpanContext().isValid());
        }
        assertEquals(first.size(), first.stream().map(SpanData::getSpanId).distinct().count(), "span ids unique");
        assertEquals(SpanIds.traceId(BOT.id(), "sess-1"), first.getFirst().getTraceId());
        assertNotEquals(SpanIds.traceId(BOT.id(), "sess-1"), SpanIds.traceId(BOT.id(), "sess-2"));
        assertNotEquals(SpanIds.traceId("st-other", "sess-1"), SpanIds.traceId(BOT.id(), "sess-1"));
    }

    private static Set<String> identities(List<SpanData> spans) {
        return spans.stream().map(s -> s.getName() + "/" + s.getTraceId() + "/" + s.getSpanId() + "/"
                + s.getParentSpanId() + "/" + s.getStartEpochNanos()).collect(Collectors.toSet());
    }

    @Test
    void returnedSpanRefIsTheTurnSpan() {
        SpanRef ref = tracer.turn(BOT, turn("m-1", "sess-1", T1, latency(400.0, 600.0, 200.0, null), null));
        assertTrue(tracer.flush(Duration.ofSeconds(5)));
        SpanData t = one(exporter.getFinishedSpanItems(), "kore.turn", SpanIds.sessionSpanId(BOT.id(), "sess-1"));
        assertEquals(new SpanRef(t.getTraceId(), t.getSpanId()), ref);
    }

    @Test
    void noTextUserIdOrPhoneNumberByDefault() {
        String secretWords = "my card number is 4111 and I am user-u-777 calling from +1-555-0100";
        tracer.incoming(BOT, incoming("m-0", "sess-1", T1.minusSeconds(2), secretWords));
        tracer.turn(BOT, turn("m-1", "sess-1", T1, latency(400.0, 600.0, 200.0, 50.0), "BOT REPLY " + secretWords));
        tracer.sessionClosed(BOT, closed("sess-1", SESSION_START, T2));
        assertTrue(tracer.flush(Duration.ofSeconds(5)));
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(5, spans.size());
        for (SpanData s : spans) {
            String everything = s.getName() + s.getAttributes() + s.getEvents() + s.getResource();
            for (String pii : List.of("4111", "user-u-777", "555-0100", "BOT REPLY", "s3cr3t")) {
                assertFalse(everything.contains(pii), () -> pii + " leaked into " + s);
            }
        }
    }

    @Test
    void includeTextAddsBotAndUserWords() {
        tracer.close(); // also stops its exporter
        exporter = InMemorySpanExporter.create();
        tracer = OtelTurnTracer.forExporter(new ExporterConfig.Tracing(true), exporter);
        tracer.incoming(BOT, incoming("m-0", "sess-1", T1.minusSeconds(2), "I want to pay my bill"));
        tracer.turn(BOT, turn("m-1", "sess-1", T1, latency(400.0, 600.0, 200.0, null), "Sure, how much?"));
        assertTrue(tracer.flush(Duration.ofSeconds(5)));
        Map<String, Object> a = attributes(one(exporter.getFinishedSpanItems(), "kore.turn",
                SpanIds.sessionSpanId(BOT.id(), "sess-1")));
        assertEquals("Sure, how much?", a.get("kore.bot.text"));
        assertEquals("I want to pay my bill", a.get("kore.user.text"));
    }

    @Test
    void sampledOutSessionsDropTheirTurnsTooAndReturnNoSpanRef() {
        tracer.close(); // also stops its exporter
        exporter = InMemorySpanExporter.create();
        tracer = OtelTurnTracer.forExporter(NO_TEXT, exporter, Sampler.parentBased(Sampler.traceIdRatioBased(0.5)));
        int sampled = 0;
        for (int i = 0; i < 40; i++) {
            String session = "sess-" + i;
            SpanRef ref = tracer.turn(BOT, turn("m-" + i, session, T1, latency(400.0, 600.0, 200.0, null), null));
            tracer.sessionClosed(BOT, closed(session, SESSION_START, T2));
            assertTrue(tracer.flush(Duration.ofSeconds(5)));
            List<SpanData> spans = exporter.getFinishedSpanItems();
            if (ref == null) {
                assertTrue(spans.isEmpty(), "a sampled-out session emits nothing: " + spans);
            } else {
                sampled++;
                assertEquals(5, spans.size());
                assertEquals(SpanIds.traceId(BOT.id(), session), ref.traceId());
            }
            exporter.reset();
        }
        assertTrue(sampled > 0 && sampled < 40, "ratio 0.5 keeps some and drops some: " + sampled);
    }

    @Test
    void turnWithoutSessionIsItsOwnRoot() {
        SpanRef ref = tracer.turn(BOT, turn("m-1", null, T1, latency(400.0, 600.0, 200.0, null), null));
        assertNotNull(ref);
        assertTrue(tracer.flush(Duration.ofSeconds(5)));
        one(exporter.getFinishedSpanItems(), "kore.turn", SpanId.getInvalid());
    }

    @Test
    void countsEndedAndExportedSpans() {
        emitSession(tracer, exporter);
        SpanCounts c = tracer.spanCounts();
        assertEquals(new SpanCounts(9, 9, 0, 0), c);
    }

    @Test
    void disabledTracerEmitsNothing() {
        try (OtelTurnTracer off = OtelTurnTracer.fromEnvironment(NO_TEXT, Map.of("OTEL_TRACES_EXPORTER", "none"))) {
            assertFalse(off.enabled());
            Message m = turn("m-1", "sess-1", T1, latency(400.0, 600.0, 200.0, null), null);
            assertNull(off.turn(BOT, m));
            off.sessionClosed(BOT, closed("sess-1", SESSION_START, T2));
            assertEquals(new SpanCounts(0, 0, 0, 0), off.spanCounts());
        }
    }
}
