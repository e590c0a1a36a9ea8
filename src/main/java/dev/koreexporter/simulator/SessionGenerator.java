package dev.koreexporter.simulator;

import dev.koreexporter.model.Containment;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds one session, all its messages and its Agent AI conversation from a seed, so a session is the
 * same whatever else was generated around it.
 */
final class SessionGenerator {
    private static final int USERS_PER_BOT = 200;
    private static final long MIN_SLOT_MS = 20_000;

    private static final long DEVELOPER_SALT = 0x0de7e10be2L;
    private static final long BAD_SESSION_SALT = 0xbad5e55L;
    private static final long BAD_SEGMENT_SALT = 0xbad5e6L;
    private static final long GAP_SALT = 0x6a9L;

    private static final long AFTER_END_SALT = 0xaf7e4e4dL;
    /** Share of interactive sessions whose caller carries on after {@code end_time} (recorded: user turns, replies). */
    private static final double DIALOGUE_AFTER_END_SHARE = 0.05;
    /** Recorded closing messages came 15-22 min after {@code end_time} at the default 15 min timeout. */
    private static final long CLOSE_JITTER_MS = 7 * 60_000L;

    private final long maxLatenessMs;
    private final Quirks quirks;
    private final SessionLifecycle lifecycle;

    SessionGenerator(long maxLatenessMs, Quirks quirks, SessionLifecycle lifecycle) {
        this.maxLatenessMs = maxLatenessMs;
        this.quirks = quirks;
        this.lifecycle = lifecycle;
    }

    SimSession generate(SimBot bot, long botHash, long sessionSeed, long start) {
        SplittableRandom rnd = new SplittableRandom(sessionSeed);
        String channel = bot.channels().get(rnd.nextDouble() < 0.6 ? 0 : rnd.nextInt(bot.channels().size()));
        int user = rnd.nextInt(USERS_PER_BOT);
        String userId = "u-" + Ids.uuid(botHash, user);
        String lang = pick(rnd, new String[]{"en", "es", "de", "fr"}, new double[]{0.70, 0.15, 0.08, 0.07});
        boolean interactive = rnd.nextDouble() < 0.9;
        double c = rnd.nextDouble();
        Containment containment = c < 0.60 ? Containment.SELF_SERVICE : c < 0.85 ? Containment.DROP_OFF : Containment.AGENT;
        long duration = rnd.nextDouble() < 0.03
                ? rnd.nextLong(20 * 60_000L, 60 * 60_000L)
                : clamp((long) (180_000 * Math.exp(0.9 * rnd.nextGaussian())), 30_000, 20 * 60_000L);
        long end = start + duration;
        boolean voice = SimSession.isVoice(channel);
        String caller = voice ? String.format("+1%03d555%04d", 200 + user % 700, Math.floorMod(Ids.mix(botHash, user), 10_000)) : null;
        long activeLateness = lateness(rnd);
        long closeLateness = lateness(rnd);
        SimSession s = new SimSession(bot, sessionSeed, channel, userId, lang, start, end, containment, interactive,
                start + activeLateness, caller);

        Voice v = new Voice(voice, (byte) pickIndex(rnd, new double[]{0.40, 0.25, 0.20, 0.15}),
                (byte) pickIndex(rnd, new double[]{0.35, 0.25, 0.25, 0.15}), streaming(rnd));

        List<SimMessage> messages = new ArrayList<>();
        int seq = 0;
        long greeting = start + rnd.nextLong(300, 2000);
        if (voice || !interactive) {
            messages.add(message(s, seq++, true, greeting, null, rnd));
        }
        if (interactive) {
            long firstSlot = greeting + 1000;
            long span = end - 5000 - firstSlot;
            int turns = (int) Math.max(1, Math.min(1 + (int) (11 * Math.pow(rnd.nextDouble(), 1.5)), span / MIN_SLOT_MS));
            long slot = span / turns;
            for (int i = 0; i < turns; i++) {
                long incoming = firstSlot + i * slot + (long) (rnd.nextDouble() * 0.2 * slot);
                messages.add(message(s, seq++, false, incoming, null, rnd));
                messages.add(reply(s, seq++, incoming, v, rnd));
            }
        } else if (rnd.nextBoolean()) {
            messages.add(message(s, seq++, true, greeting + rnd.nextLong(2000, 8000), null, rnd));
        }
        // Drawn last from this session's own RNG: skipping the draw for every-session Agent AI changes no other record.
        if (bot.accountId() != null
                && (quirks.agentAiEverySession() || containment == Containment.AGENT && rnd.nextDouble() < 0.7)) {
            long last = messages.getLast().createdOn;
            long at = last + (end - last) / 2;
            s.conversation = new SimConversation(s, at, at + lateness(rnd));
        }
        s.closeAt = switch (lifecycle) {
            case CLOSED_AT_END -> end;
            // From an RNG of its own: the session up to its end_time is the same under either life cycle.
            case INACTIVITY_CLOSE -> afterEnd(s, messages, v, new SplittableRandom(Ids.mix(sessionSeed, AFTER_END_SALT)));
        };
        s.visibleClosedAt = s.closeAt + closeLateness;
        s.messages = messages.toArray(SimMessage[]::new);
        applyQuirks(s);
        return s;
    }

    /** A voice session's providers and TTS streaming (-1 unknown), drawn once per session. */
    private record Voice(boolean voice, byte asrProvider, byte ttsProvider, byte streaming) {
    }

    private static byte streaming(SplittableRandom rnd) {
        double st = rnd.nextDouble();
        return (byte) (st < 0.55 ? 1 : st < 0.90 ? 0 : -1);
    }

    /** The bot's answer to a user message at {@code incoming}; on voice a turn with its latency. */
    private SimMessage reply(SimSession s, int seq, long incoming, Voice v, SplittableRandom rnd) {
        short botText = (short) rnd.nextInt(Texts.count(s.lang, true));
        TurnLatency latency = v.voice() ? latency(rnd, v.asrProvider(), v.ttsProvider(), v.streaming(),
                Texts.text(s.lang, true, botText).length()) : null;
        long delay = v.voice() ? latency.totalMs() : rnd.nextLong(300, 3000);
        return new SimMessage(s, seq, true, incoming + delay, incoming + delay + lateness(rnd), latency, botText);
    }

    /**
     * What a session logs after its {@code end_time} until Kore.ai closes it for inactivity: sometimes a few more
     * turns a minute or more later, then the bot's closing message, the inactivity timeout after the last activity
     * (plus up to {@link #CLOSE_JITTER_MS}). Returns the close: the closing message's time.
     */
    private long afterEnd(SimSession s, List<SimMessage> messages, Voice v, SplittableRandom rnd) {
        int seq = messages.size();
        long last = s.end;
        if (s.interactive && rnd.nextDouble() < DIALOGUE_AFTER_END_SHARE) {
            long incoming = s.end + rnd.nextLong(60_000, 5 * 60_000);
            for (int turns = 1 + rnd.nextInt(3); turns > 0; turns--) {
                messages.add(message(s, seq++, false, incoming, null, rnd));
                SimMessage answer = reply(s, seq++, incoming, v, rnd);
                messages.add(answer);
                last = answer.createdOn;
                incoming = last + rnd.nextLong(5_000, 40_000);
            }
        }
        long close = last + s.bot.inactivityTimeout().toMillis() + rnd.nextLong(CLOSE_JITTER_MS + 1);
        messages.add(new SimMessage(s, seq, true, close, close + lateness(rnd), null, Texts.CLOSING));
        return close;
    }

    /** Hashed from the session's seed, not drawn from its RNG: the rest of the session stays as it was. */
    private void applyQuirks(SimSession s) {
        long devHash = Ids.mix(s.idSeed, DEVELOPER_SALT);
        if (Quirks.chosen(devHash, quirks.developerShare())) {
            s.developer = (byte) ((devHash & 1) == 0 ? 1 : 2);
        }
        s.endBeforeStart = Quirks.chosen(Ids.mix(s.idSeed, BAD_SESSION_SALT), quirks.badSessionShare());
        for (SimMessage m : s.messages) {
            long h = Ids.mix(Ids.mix(s.idSeed, BAD_SEGMENT_SALT), m.seq);
            if (m.outgoing && m.latency != null && Quirks.chosen(h, quirks.badSegmentShare())) {
                m.segmentDefect = SegmentDefect.pick(Ids.mix(h), m.latency);
            }
        }
    }

    private SimMessage message(SimSession s, int seq, boolean outgoing, long at, TurnLatency latency,
                               SplittableRandom rnd) {
        short text = (short) rnd.nextInt(Texts.count(s.lang, outgoing));
        return new SimMessage(s, seq, outgoing, at, at + lateness(rnd), latency, text);
    }

    /** Skewed towards small values: most data lands quickly, a tail lands up to maxLateness late. */
    private long lateness(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        return (long) (maxLatenessMs * u * u);
    }

    static TurnLatency latency(SplittableRandom rnd, byte asrProvider, byte ttsProvider, byte streaming, int chars) {
        boolean hasAsr = rnd.nextDouble() >= 0.03;
        boolean hasTts = rnd.nextDouble() >= 0.02;
        int asr = hasAsr ? (int) clamp(logNormal(rnd, 300, 0.5), 40, 2500) : -1;
        short confidence = (short) (hasAsr ? clamp((long) (1000 * (1 - Math.abs(0.12 * rnd.nextGaussian()))), 50, 1000) : 0);
        int bot = (int) clamp(logNormal(rnd, 600, 0.7), 50, 10_000);
        int tts = hasTts ? (int) clamp(logNormal(rnd, 250, 0.5), 30, 1500) : -1;
        int audio = hasTts ? chars * (55 + rnd.nextInt(21)) : -1;
        int firstByte = hasTts && streaming == 1 ? (int) Math.max(1, Math.min(tts - 1, tts * (0.15 + 0.45 * rnd.nextDouble()))) : -1;
        int total = Math.max(asr, 0) + bot + Math.max(tts, 0) + gapMs(asr, bot, tts, confidence, chars);
        return new TurnLatency(total, asr, asrProvider, confidence, bot, tts, ttsProvider, (short) chars, audio,
                hasTts ? streaming : -1, firstByte);
    }

    /**
     * What the total holds beyond the three segments (README "Metrics", {@code kore_turn_gap_seconds}): mostly
     * 20-300 ms of telephony and endpointing, a tail of queuing up to 2 s, none at all in a tenth of the turns
     * (the segments cover the total, as in the docs' sample), and in a twelfth segments that overlap (streaming
     * TTS starting before the bot has finished), so the total is less than their sum. Hashed from the values
     * already drawn, not drawn from the RNG: every other value of the session stays what it was.
     */
    static int gapMs(int asr, int bot, int tts, int confidence, int chars) {
        long h = Ids.mix(Ids.mix(asr, bot), Ids.mix(tts, chars * 1009L + confidence) ^ GAP_SALT);
        double u = (h >>> 11) * 0x1.0p-53;
        double v = (Ids.mix(h) >>> 11) * 0x1.0p-53;
        if (u < 0.10) {
            return 0;
        }
        if (u < 0.18) {
            return -(int) Math.min(bot / 2, 10 + 140 * v);
        }
        if (u < 0.20) {
            return 400 + (int) (1600 * v);
        }
        return 20 + (int) (280 * v * v);
    }

    private static double logNormal(SplittableRandom rnd, double median, double sigma) {
        return median * Math.exp(sigma * rnd.nextGaussian());
    }

    static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    private static double clamp(double v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    private static int pickIndex(SplittableRandom rnd, double[] weights) {
        double u = rnd.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static String pick(SplittableRandom rnd, String[] values, double[] weights) {
        return values[pickIndex(rnd, weights)];
    }
}
