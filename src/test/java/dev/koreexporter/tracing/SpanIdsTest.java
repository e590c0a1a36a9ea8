package dev.koreexporter.tracing;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ids must never change between versions: a re-read after an upgrade must give the very same spans. */
class SpanIdsTest {
    private static String expected(int bytes, String... parts) throws Exception {
        return expected(0, bytes, parts);
    }

    private static String expected(int from, int bytes, String... parts) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, from, from + bytes);
    }

    @Test
    void idsAreTheLeadingBytesOfSha256OverTheNewlineJoinedParts() throws Exception {
        assertEquals(expected(16, "trace", "st-1", "sess-ä"), SpanIds.traceId("st-1", "sess-ä"));
        assertEquals(expected(8, "session", "st-1", "sess-1"), SpanIds.sessionSpanId("st-1", "sess-1"));
        assertEquals(expected(8, "turn", "ms-1"), SpanIds.turnSpanId("ms-1"));
        // Since 0.2.0 the segments take the next bytes of the turn's digest (one hash per turn, not four).
        assertEquals(new SpanIds.TurnIds(expected(0, 8, "turn", "ms-1"), expected(8, 8, "turn", "ms-1"),
                expected(16, 8, "turn", "ms-1"), expected(24, 8, "turn", "ms-1")), SpanIds.turnIds("ms-1"));
        // Repeated and from another thread: the per-thread digest carries nothing over.
        assertEquals(expected(8, "turn", "ms-1"), SpanIds.turnSpanId("ms-1"));
        assertEquals(expected(8, "turn", "ms-2"),
                CompletableFuture.supplyAsync(() -> SpanIds.turnSpanId("ms-2")).get());
    }
}
