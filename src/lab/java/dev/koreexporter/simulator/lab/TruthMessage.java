package dev.koreexporter.simulator.lab;

import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.simulator.SegmentDefect;

import java.time.Instant;

/**
 * A message as the simulator generated it. {@code message.latency()} is set on every voice turn (whether or
 * not a request asked for latency); {@code defect} is non-null when the bad-records fault broke it;
 * {@code afterSessionEnd}: created after its session's {@code end_time} (a closing message, dialogue after the
 * end), counted like any other message. {@code toString()} leaves out the text and user id.
 */
public record TruthMessage(String botId, Message message, String userId, Instant visibleAt, Defect defect,
                           boolean developer, SegmentDefect segmentDefect, boolean afterSessionEnd) {
    public boolean valid() {
        return defect == null;
    }

    /**
     * The latency a correct reader observes: {@code message.latency()} without the parts a
     * {@link SegmentDefect} broke (null when the message has no latency).
     */
    public Latency observedLatency() {
        Latency l = message.latency();
        return l == null || segmentDefect == null ? l : observed(segmentDefect, l);
    }

    /**
     * The latency a correct reader observes of {@code truth} with {@code defect} in the wire: a segment whose
     * {@code durationMs} is invalid is dropped with its other fields, another invalid field costs only itself,
     * and an invalid {@code totalMs} makes no turn observation.
     */
    private static Latency observed(SegmentDefect defect, Latency truth) {
        Latency.Asr asr = truth.asr();
        Latency.BotSegment bot = truth.bot();
        Latency.Tts tts = truth.tts();
        Double total = truth.totalMs();
        switch (defect) {
            case ASR_DURATION_NEGATIVE -> asr = null;
            case BOT_DURATION_NAN, BOT_DURATION_NOT_A_NUMBER -> bot = null;
            case TTS_DURATION_OVER_TEN_MINUTES -> tts = null;
            case TTS_FIRST_BYTE_NEGATIVE -> tts = new Latency.Tts(tts.durationMs(), tts.provider(), tts.characters(),
                    tts.audioMs(), tts.streaming(), null);
            case TTS_AUDIO_LENGTH_NEGATIVE -> tts = new Latency.Tts(tts.durationMs(), tts.provider(), tts.characters(),
                    null, tts.streaming(), tts.firstByteMs());
            case TTS_CHARACTERS_NEGATIVE -> tts = new Latency.Tts(tts.durationMs(), tts.provider(), null,
                    tts.audioMs(), tts.streaming(), tts.firstByteMs());
            case ASR_CONFIDENCE_ABOVE_ONE -> asr = new Latency.Asr(asr.durationMs(), asr.provider(), null);
            case TOTAL_NEGATIVE, TOTAL_NOT_A_NUMBER -> total = null;
        }
        return new Latency(total, asr, bot, tts);
    }

    /**
     * Whether a correct reader counts it in the kore_* metrics: not broken by a fault, and not developer
     * traffic unless developer traffic is included ({@code filters.include-developer}).
     */
    public boolean counted(boolean includeDeveloper) {
        return valid() && (includeDeveloper || !developer);
    }

    /** The message as a correct reader observes it: {@link #observedLatency()} in place of the latency. */
    public Message observedMessage() {
        Message m = message;
        return new Message(m.id(), m.sessionId(), m.direction(), m.channel(), m.language(), m.createdOn(),
                observedLatency(), m.text(), m.traceId());
    }

    /**
     * What the generated total holds beyond the {@code asr}, {@code bot} and {@code tts} durations, in ms: zero
     * or more, or negative where the segments overlap; null without latency or when a segment is missing.
     */
    public Double gapMs() {
        Latency l = message.latency();
        if (l == null || l.asr() == null || l.bot() == null || l.tts() == null) {
            return null;
        }
        return l.totalMs() - l.asr().durationMs() - l.bot().durationMs() - l.tts().durationMs();
    }

    /**
     * The gap a correct reader observes ({@code kore_turn_gap_seconds}, the turn span's {@code kore.gap_ms}): the
     * generated gap when it is zero or more and the wire carried all four values validly; null otherwise.
     */
    public Double observedGapMs() {
        Latency o = valid() ? observedLatency() : null;
        Double gap = gapMs();
        boolean whole = o != null && o.totalMs() != null && o.asr() != null && o.bot() != null && o.tts() != null;
        return whole && gap >= 0 ? gap : null;
    }

    /** A turn whose {@code totalMs} a correct reader observes (a turn latency observation and a turn span). */
    public boolean observedTurn() {
        return valid() && turn() && observedLatency().totalMs() != null;
    }

    /** A bot turn: an outgoing voice message with latency. */
    public boolean turn() {
        return message.isTurn();
    }

    public boolean visibleBy(Instant t) {
        return !visibleAt.isAfter(t);
    }

    @Override
    public String toString() {
        return "TruthMessage[" + botId + " " + message.id() + " " + message.direction() + " " + message.channel()
                + " " + message.createdOn() + " visibleAt=" + visibleAt + " defect=" + defect
                + (developer ? " developer" : "") + (segmentDefect == null ? "" : " segment=" + segmentDefect)
                + (afterSessionEnd ? " afterSessionEnd" : "") + "]";
    }
}
