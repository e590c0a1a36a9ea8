package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The span attributes listed in README "Tracing". Ids of the bot, session and message only: no user id, caller number or
 * text, unless {@code tracing.include-text} opts in to the bot's and the user's words.
 */
final class TurnAttributes {
    static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("gen_ai.conversation.id");
    static final AttributeKey<String> BOT_ID = AttributeKey.stringKey("kore.bot.id");
    static final AttributeKey<String> BOT_NAME = AttributeKey.stringKey("kore.bot.name");
    static final AttributeKey<String> CHANNEL = AttributeKey.stringKey("kore.channel");
    static final AttributeKey<String> LANGUAGE = AttributeKey.stringKey("kore.language");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("kore.message.id");
    static final AttributeKey<String> ASR_PROVIDER = AttributeKey.stringKey("kore.asr.provider");
    static final AttributeKey<Double> ASR_CONFIDENCE = AttributeKey.doubleKey("kore.asr.confidence");
    static final AttributeKey<String> TTS_PROVIDER = AttributeKey.stringKey("kore.tts.provider");
    static final AttributeKey<Boolean> TTS_STREAMING = AttributeKey.booleanKey("kore.tts.streaming");
    static final AttributeKey<Long> TTS_CHARACTERS = AttributeKey.longKey("kore.tts.characters");
    static final AttributeKey<Double> TTS_AUDIO_MS = AttributeKey.doubleKey("kore.tts.audio_ms");
    static final AttributeKey<Double> GAP_MS = AttributeKey.doubleKey("kore.gap_ms");
    static final AttributeKey<String> CONTAINMENT = AttributeKey.stringKey("kore.containment");
    static final AttributeKey<String> SESSION_TYPE = AttributeKey.stringKey("kore.session.type");
    static final AttributeKey<String> BOT_TEXT = AttributeKey.stringKey("kore.bot.text");
    static final AttributeKey<String> USER_TEXT = AttributeKey.stringKey("kore.user.text");
    static final AttributeKey<String> KORE_TRACE_ID = AttributeKey.stringKey("kore.trace_id");

    /** Bounds what opted-in text costs: characters per attribute, sessions remembered. */
    static final int MAX_TEXT = 1000;
    static final int MAX_SESSIONS = 10_000;

    private record Utterance(Instant at, String text) {
    }

    private final boolean includeText;
    private final IncomingTraceIds traceIds = new IncomingTraceIds();
    /** The last user utterance per open session (opt-in only), evicted oldest first. */
    private final Map<String, Utterance> lastUtterance = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Utterance> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    TurnAttributes(boolean includeText) {
        this.includeText = includeText;
    }

    void turn(AttributesBuilder b, ExporterConfig.Bot bot, Message m) {
        conversation(b, bot, m.sessionId(), m.channel());
        put(b, LANGUAGE, m.language());
        put(b, MESSAGE_ID, m.id());
        if (m.sessionId() != null) {
            put(b, KORE_TRACE_ID, traceIds.answeredBy(bot.id(), m.sessionId(), m.createdOn()));
        }
        Latency l = m.latency();
        if (l.asr() != null) {
            asr(b, l.asr());
        }
        if (l.tts() != null) {
            tts(b, l.tts());
        }
        // Only when kore_turn_gap_seconds observes it, so a trace and the metric agree on which turns have a gap.
        put(b, GAP_MS, l.gapMs());
        if (includeText) {
            put(b, BOT_TEXT, bounded(m.text()));
            Utterance u = m.sessionId() == null ? null : lastUtterance(bot, m.sessionId());
            if (u != null && !u.at().isAfter(m.createdOn())) {
                put(b, USER_TEXT, u.text());
            }
        }
    }

    /** The attributes every span of a conversation carries. */
    private static void conversation(AttributesBuilder b, ExporterConfig.Bot bot, String sessionId, String channel) {
        put(b, CONVERSATION_ID, sessionId);
        put(b, BOT_ID, bot.id());
        put(b, BOT_NAME, bot.name());
        put(b, CHANNEL, channel);
    }

    void asr(AttributesBuilder b, Latency.Asr asr) {
        put(b, ASR_PROVIDER, asr.provider());
        put(b, ASR_CONFIDENCE, asr.confidence());
    }

    void tts(AttributesBuilder b, Latency.Tts tts) {
        put(b, TTS_PROVIDER, tts.provider());
        put(b, TTS_STREAMING, tts.streaming());
        put(b, TTS_CHARACTERS, tts.characters());
        put(b, TTS_AUDIO_MS, tts.audioMs());
    }

    void session(AttributesBuilder b, ExporterConfig.Bot bot, Session s) {
        conversation(b, bot, s.id(), s.channel());
        put(b, CONTAINMENT, s.containment() == null ? null : s.containment().wireName());
        put(b, SESSION_TYPE, s.sessionType());
    }

    /** Remembers Kore.ai's traceId, and the user's words (opt-in only), for the session's next turn. */
    void incoming(ExporterConfig.Bot bot, Message m) {
        if (m.direction() == Direction.INCOMING && m.sessionId() != null) {
            traceIds.incoming(bot.id(), m.sessionId(), m.createdOn(), m.traceId());
        }
        if (!includeText || m.direction() != Direction.INCOMING || m.sessionId() == null || m.text() == null) {
            return;
        }
        synchronized (lastUtterance) {
            Utterance previous = lastUtterance.get(key(bot, m.sessionId()));
            if (previous == null || !previous.at().isAfter(m.createdOn())) {
                lastUtterance.put(key(bot, m.sessionId()), new Utterance(m.createdOn(), bounded(m.text())));
            }
        }
    }

    void forget(ExporterConfig.Bot bot, String sessionId) {
        synchronized (lastUtterance) {
            lastUtterance.remove(key(bot, sessionId));
        }
    }

    private Utterance lastUtterance(ExporterConfig.Bot bot, String sessionId) {
        synchronized (lastUtterance) {
            return lastUtterance.get(key(bot, sessionId));
        }
    }

    private static String key(ExporterConfig.Bot bot, String sessionId) {
        return bot.id() + "\n" + sessionId;
    }

    private static String bounded(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    private static <T> void put(AttributesBuilder b, AttributeKey<T> key, T value) {
        if (value != null) {
            b.put(key, value);
        }
    }
}
