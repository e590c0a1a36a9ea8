package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import dev.koreexporter.testing.TestConfig;

import java.time.Instant;
import java.util.List;

/** Synthetic Kore.ai records for the tracing tests. */
final class Fixtures {
    static final ExporterConfig.Bot BOT = TestConfig.builder()
            .bot("billing-voice", "st-1111-2222", "cs-abc", "s3cr3t-client-secret")
            .set("bots[0].channels", List.of("korevg")).bot();
    static final Instant SESSION_START = Instant.parse("2026-03-02T10:00:00.123Z");

    private Fixtures() {
    }

    static Latency latency(Double asr, Double bot, Double tts, Double firstByte) {
        double total = (asr == null ? 0 : asr) + (bot == null ? 0 : bot) + (tts == null ? 0 : tts);
        return new Latency(total,
                asr == null ? null : new Latency.Asr(asr, "microsoft", 0.87),
                bot == null ? null : new Latency.BotSegment(bot),
                tts == null ? null : new Latency.Tts(tts, "elevenlabs", 42L, 2750.5, true, firstByte));
    }

    static Message turn(String id, String sessionId, Instant createdOn, Latency latency, String text) {
        return new Message(id, sessionId, Direction.OUTGOING, "korevg", "en", createdOn, latency, text);
    }

    static Message incoming(String id, String sessionId, Instant createdOn, String text) {
        return new Message(id, sessionId, Direction.INCOMING, "korevg", "en", createdOn, null, text);
    }

    static Session closed(String id, Instant start, Instant end) {
        return new Session(id, "korevg", start, end, false, Containment.SELF_SERVICE, "interactive", 6,
                List.of("en"));
    }
}
