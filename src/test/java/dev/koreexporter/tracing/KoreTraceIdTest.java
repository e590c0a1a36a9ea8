package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Message;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static dev.koreexporter.tracing.Fixtures.BOT;
import static dev.koreexporter.tracing.Fixtures.latency;
import static dev.koreexporter.tracing.Fixtures.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kore.trace_id}: Kore.ai's traceId of the user message a turn answers. */
class KoreTraceIdTest {
    private static final AttributeKey<String> KORE_TRACE_ID = AttributeKey.stringKey("kore.trace_id");
    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OtelTurnTracer tracer = OtelTurnTracer.forExporter(new ExporterConfig.Tracing(false), exporter);

    @AfterEach
    void close() {
        tracer.close();
    }

    private static Message user(String id, String session, int second, String traceId) {
        return new Message(id, session, Direction.INCOMING, "korevg", "en", T.plusSeconds(second), null, null, traceId);
    }

    private void turnAt(String id, String session, int second) {
        tracer.turn(BOT, turn(id, session, T.plusSeconds(second), latency(300.0, 500.0, 200.0, null), null));
    }

    /** kore.trace_id per turn message id (null when the span has none). */
    private Map<String, String> traceIds() {
        assertTrue(tracer.flush(Duration.ofSeconds(5)));
        Map<String, String> byTurn = new HashMap<>();
        for (SpanData s : exporter.getFinishedSpanItems()) {
            if (s.getName().equals("kore.turn")) {
                byTurn.put(s.getAttributes().get(AttributeKey.stringKey("kore.message.id")),
                        s.getAttributes().get(KORE_TRACE_ID));
            }
        }
        return byTurn;
    }

    @Test
    void turnCarriesTheTraceIdOfTheLatestUserMessageBeforeIt() {
        tracer.incoming(BOT, user("u-1", "s-1", 1, "5371b61d-b1bb-4432-80de-7430772b0cfb"));
        turnAt("b-1", "s-1", 3);
        tracer.incoming(BOT, user("u-2", "s-1", 10, "aaaa0000-0000-4000-8000-000000000002"));
        turnAt("b-2", "s-1", 12);
        Map<String, String> ids = traceIds();
        assertEquals("5371b61d-b1bb-4432-80de-7430772b0cfb", ids.get("b-1"));
        assertEquals("aaaa0000-0000-4000-8000-000000000002", ids.get("b-2"));
    }

    @Test
    void aLaterUserMessageReadFirstDoesNotLendItsTraceIdToAnEarlierTurn() {
        tracer.incoming(BOT, user("u-1", "s-1", 1, "t-1"));
        tracer.incoming(BOT, user("u-3", "s-1", 20, "t-3"));
        tracer.incoming(BOT, user("u-2", "s-1", 10, "t-2"));
        turnAt("b-1", "s-1", 5);
        turnAt("b-2", "s-1", 15);
        turnAt("b-3", "s-1", 25);
        assertEquals(Map.of("b-1", "t-1", "b-2", "t-2", "b-3", "t-3"), traceIds());
    }

    @Test
    void noTraceIdWhenTheAnsweredMessageHasNoneOrBelongsToAnotherSession() {
        tracer.incoming(BOT, user("u-1", "s-1", 1, "t-1"));
        tracer.incoming(BOT, user("u-2", "s-1", 10, null));
        turnAt("b-1", "s-1", 12);
        tracer.incoming(BOT, user("u-9", "s-9", 1, "t-9"));
        turnAt("b-2", "s-2", 12);
        Map<String, String> ids = traceIds();
        assertEquals(2, ids.size());
        assertEquals(null, ids.get("b-1"), "the answered message's traceId expired: none, not an older one");
        assertEquals(null, ids.get("b-2"));
    }
}
