package dev.koreexporter.tracing;

import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Ids derived from Kore.ai's own ids (first bytes of a SHA-256), so that re-reading a window, a restart
 * or another replica produces the very same trace and spans, which backends then de-duplicate.
 * Each kind of id hashes a different prefix so a session id and a message id never collide.
 */
public final class SpanIds {
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(SpanIds::newSha256);

    private SpanIds() {
    }

    /** The trace of one session: 32 hex characters. */
    public static String traceId(String botId, String sessionId) {
        return hex(TraceId.getLength() / 2, "trace", botId, sessionId);
    }

    /** The {@code kore.session} span, root of the session's trace. */
    public static String sessionSpanId(String botId, String sessionId) {
        return hex(SpanId.getLength() / 2, "session", botId, sessionId);
    }

    /** The span ids of one turn: its {@code kore.turn} span and its three segments. */
    public record TurnIds(String turn, String asr, String bot, String tts) {
    }

    /**
     * The four span ids of a turn from one SHA-256 of its message id (bytes 0-7: the turn, 8-15 asr,
     * 16-23 bot, 24-31 tts): a digest costs more than the rest of a span, and a turn has four spans.
     */
    public static TurnIds turnIds(String messageId) {
        byte[] digest = sha256("turn", messageId);
        int n = SpanId.getLength() / 2;
        return new TurnIds(hex(digest, 0, n), hex(digest, n, n), hex(digest, 2 * n, n), hex(digest, 3 * n, n));
    }

    /** The {@code kore.turn} span of an outgoing message. */
    public static String turnSpanId(String messageId) {
        return turnIds(messageId).turn();
    }

    private static String hex(int bytes, String... parts) {
        return hex(sha256(parts), 0, bytes);
    }

    private static String hex(byte[] digest, int from, int bytes) {
        byte[] id = Arrays.copyOfRange(digest, from, from + bytes);
        boolean zero = true;
        for (byte b : id) {
            zero &= b == 0;
        }
        if (zero) {
            // An all-zero id is invalid in OpenTelemetry; 2^-64 odds, but then the span would be dropped.
            id[bytes - 1] = 1;
        }
        return HEX.formatHex(id);
    }

    /**
     * SHA-256 of the parts joined by newlines. One digest per thread: {@code MessageDigest.getInstance} (a
     * provider lookup) cost more than the hashing itself, at four ids per voice turn.
     */
    private static byte[] sha256(String... parts) {
        MessageDigest digest = SHA_256.get();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                digest.update((byte) '\n');
            }
            digest.update(parts[i].getBytes(StandardCharsets.UTF_8));
        }
        return digest.digest();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
