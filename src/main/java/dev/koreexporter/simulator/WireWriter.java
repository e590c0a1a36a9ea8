package dev.koreexporter.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.koreexporter.model.Containment;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes records in Kore.ai's wire format, with the extra fields real responses carry (and the one invalid
 * latency value of a message with a {@link SegmentDefect}).
 */
final class WireWriter {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private WireWriter() {
    }

    static String time(long epochMs) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMs));
    }

    static String orgId(SimBot bot) {
        return "o-" + Ids.uuid(Ids.hash(bot.botId()), 7);
    }

    static String accountId(SimBot bot) {
        return bot.accountId() != null ? bot.accountId() : Ids.objectId(Ids.hash(bot.botId()), 8);
    }

    static void message(JsonGenerator g, SimMessage m, boolean lite, boolean includeLatency, boolean includeTraceId)
            throws IOException {
        SimSession s = m.session;
        g.writeStartObject();
        g.writeStringField("_id", m.id());
        g.writeStringField("botId", s.bot.botId());
        g.writeStringField("orgId", orgId(s.bot));
        g.writeStringField("accountId", accountId(s.bot));
        g.writeStringField("type", m.outgoing ? "outgoing" : "incoming");
        g.writeStringField("status", m.outgoing ? "pending" : "received");
        g.writeStringField("createdBy", s.userId);
        g.writeStringField("createdOn", time(m.createdOn));
        g.writeNumberField("timestampValue", m.createdOn);
        g.writeStringField("sessionId", s.id);
        g.writeStringField("lang", s.lang);
        g.writeStringField("chnl", s.channel);
        if (!lite) {
            g.writeStringField("lmodifiedOn", time(m.createdOn));
            g.writeStringField("lmodifiedBy", s.userId);
            g.writeNumberField("isBB", 0);
            g.writeNumberField("ms", 1);
            if (m.developer()) {
                // Kore.ai documents isD as 1/0; some releases send booleans: show both.
                if ((m.seq + s.developer) % 2 == 0) {
                    g.writeBooleanField("isD", true);
                } else {
                    g.writeNumberField("isD", 1);
                }
            } else {
                g.writeNumberField("isD", 0);
            }
            g.writeNumberField("sT", 1);
            g.writeNumberField("__v", 0);
            g.writeStringField("resourceid", "messagestore");
        }
        g.writeArrayFieldStart("components");
        g.writeStartObject();
        g.writeStringField("_id", m.componentId());
        g.writeStringField("cT", "text");
        g.writeObjectFieldStart("data");
        g.writeStringField("text", m.text());
        g.writeEndObject();
        g.writeArrayFieldStart("thumbnails");
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayFieldStart("channels");
        g.writeStartObject();
        if (lite) {
            g.writeStringField("from", s.userId);
        } else {
            g.writeStringField("type", s.channel);
        }
        g.writeStringField("channelUId", s.callerNumber != null ? s.callerNumber : s.userId);
        g.writeEndObject();
        g.writeEndArray();
        if (!lite) {
            g.writeObjectFieldStart("tags");
            g.writeArrayFieldStart("messageTags");
            g.writeEndArray();
            g.writeArrayFieldStart("userTags");
            g.writeEndArray();
            g.writeArrayFieldStart("sessionTags");
            g.writeEndArray();
            g.writeEndObject();
        }
        if (includeTraceId && !m.outgoing) {
            g.writeStringField("traceId", m.traceId());
        }
        if (!lite && includeLatency && m.outgoing && m.latency != null) {
            latency(g, m.latency, m.segmentDefect);
        }
        g.writeEndObject();
    }

    private static void latency(JsonGenerator g, TurnLatency l, SegmentDefect sd) throws IOException {
        g.writeObjectFieldStart("latency");
        if (sd != null && sd.part() == SegmentDefect.Part.TOTAL) {
            value(g, "totalMs", sd.wireDuration());
        } else {
            g.writeNumberField("totalMs", l.totalMs());
        }
        if (l.hasAsr()) {
            g.writeObjectFieldStart("asr");
            if (sd == SegmentDefect.ASR_DURATION_NEGATIVE) {
                value(g, "durationMs", sd.wireDuration());
            } else {
                g.writeNumberField("durationMs", l.asrMs());
            }
            g.writeStringField("provider", l.asrProviderName());
            g.writeNumberField("confidenceScore", sd == SegmentDefect.ASR_CONFIDENCE_ABOVE_ONE
                    ? 1.0 + l.confidence() : l.confidence());
            g.writeEndObject();
        }
        g.writeObjectFieldStart("bot");
        if (sd != null && sd.part() == SegmentDefect.Part.BOT) {
            value(g, "durationMs", sd.wireDuration());
        } else {
            g.writeNumberField("durationMs", l.botMs());
        }
        g.writeEndObject();
        if (l.hasTts()) {
            g.writeObjectFieldStart("tts");
            if (sd == SegmentDefect.TTS_DURATION_OVER_TEN_MINUTES) {
                value(g, "durationMs", sd.wireDuration());
            } else {
                g.writeNumberField("durationMs", l.ttsMs());
            }
            g.writeStringField("provider", l.ttsProviderName());
            g.writeNumberField("utteranceLengthChars", sd == SegmentDefect.TTS_CHARACTERS_NEGATIVE ? -3 : l.chars());
            g.writeNumberField("audioLengthMs", sd == SegmentDefect.TTS_AUDIO_LENGTH_NEGATIVE ? -1 : l.audioMs());
            if (l.streamingEnabled() != null) {
                g.writeBooleanField("streamingEnabled", l.streamingEnabled());
            }
            if (l.firstByteMs() >= 0) {
                g.writeNumberField("firstByteMs", sd == SegmentDefect.TTS_FIRST_BYTE_NEGATIVE ? -5 : l.firstByteMs());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** A broken value as it stands in the wire: a number, or a string where a number belongs ("NaN" too). */
    private static void value(JsonGenerator g, String field, Object v) throws IOException {
        if (v instanceof Integer i) {
            g.writeNumberField(field, i);
        } else {
            g.writeStringField(field, String.valueOf(v));
        }
    }

    /** @param closed whether to show the closed form (else the active form as of {@code now}) */
    static void session(JsonGenerator g, SimSession s, boolean closed, long now) throws IOException {
        g.writeStartObject();
        g.writeStringField("sessionId", s.id);
        g.writeStringField("botId", s.bot.botId());
        g.writeStringField("channel", s.channel);
        g.writeStringField("userId", s.userId);
        g.writeStringField("start_time", time(s.start));
        if (closed) {
            // A bad row: the end as far before the start as the session really lasted.
            g.writeStringField("end_time", time(s.endBeforeStart ? 2 * s.start - s.end : s.end));
        }
        g.writeArrayFieldStart("session_lang");
        g.writeString(s.lang);
        g.writeEndArray();
        g.writeStringField("sessionType", s.sessionType());
        if (s.developer == 2) {
            g.writeNumberField("isDeveloper", 1);
        } else {
            g.writeBooleanField("isDeveloper", s.developer == 1);
        }
        g.writeStringField("sessionStatus", closed ? "closed" : "active");
        if (closed) {
            g.writeStringField("containmentType", s.containment.wireName());
        }
        g.writeObjectFieldStart("tags");
        g.writeArrayFieldStart("userTags");
        g.writeEndArray();
        g.writeArrayFieldStart("sessionTags");
        if (s.callerNumber != null) {
            tag(g, "callerNumber", s.callerNumber);
            if (closed && s.containment == Containment.AGENT) {
                tag(g, "voiceAgentTransferStart", "1");
            }
        }
        g.writeEndArray();
        g.writeEndObject();
        int messages = closed ? s.messages.length : s.messagesUpTo(now);
        g.writeNumberField("noOfMessagesExchanged", messages);
        g.writeNumberField("noOfTasksExecuted", Math.min(messages / 2, 3));
        g.writeEndObject();
    }

    private static void tag(JsonGenerator g, String name, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("value", value);
        g.writeStringField("name", name);
        g.writeEndObject();
    }

    static void conversation(JsonGenerator g, SimConversation c) throws IOException {
        SimSession s = c.session;
        g.writeStartObject();
        g.writeStringField("_id", c.id());
        g.writeStringField("convId", c.convId());
        g.writeStringField("botId", s.bot.botId());
        g.writeStringField("channelType", c.channelType());
        g.writeStringField("experience", c.experience());
        g.writeBooleanField("isExtAD", true);
        g.writeStringField("startTime", time(c.startTime));
        g.writeStringField("aaSessionId", Ids.objectId(s.idSeed, 4));
        g.writeStringField("aaUserId", "u-" + Ids.uuid(s.idSeed, 5));
        g.writeStringField("mbSessionId", s.id);
        g.writeStringField("mbUserId", s.userId);
        g.writeEndObject();
    }
}
