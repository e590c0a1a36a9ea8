package dev.koreexporter.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every bot's traffic as generated, for reading from outside the simulator: what really happened, straight from
 * the generator, never from what a client read (the lab's ground truth is made from it). Calls generate what
 * they ask about, but never more than a week past the simulator's now.
 */
public final class GeneratedTraffic {
    private static final Instant FOREVER = Instant.ofEpochMilli(Long.MAX_VALUE);
    private static final Duration MAX_AHEAD = Duration.ofDays(7);

    private final SimulatorOptions options;
    private final Map<String, BotTraffic> bots;

    private GeneratedTraffic(SimulatorOptions options) {
        this.options = options;
        long origin = options.clock().instant().minus(options.history()).toEpochMilli();
        Map<String, BotTraffic> byId = new LinkedHashMap<>();
        for (SimBot bot : options.bots()) {
            byId.put(bot.botId(), new BotTraffic(bot, options.seed(), options.sessionsPerMinutePerBot(), origin,
                    options.maxLateness().toMillis(), options.quirks(), options.lifecycle()));
        }
        this.bots = Map.copyOf(byId);
    }

    /** The traffic {@code options} describe; nothing is generated until it is read or served. */
    public static GeneratedTraffic of(SimulatorOptions options) {
        return new GeneratedTraffic(options);
    }

    public SimulatorOptions options() {
        return options;
    }

    /** The simulator clock's now. */
    public Instant now() {
        return options.clock().instant();
    }

    /** Messages with createdOn in [from, to] (inclusive) that the API shows by {@code visibleBy}, oldest first. */
    public List<GeneratedMessage> messages(String botId, Instant from, Instant to, Instant visibleBy) {
        long until = ms(visibleBy);
        return bot(botId).allMessages(ms(from), ms(to), horizon(until, ms(to))).stream()
                .filter(m -> m.visibleAt <= until)
                .map(m -> new GeneratedMessage(botId, m.toModel(), m.session.userId, Instant.ofEpochMilli(m.visibleAt),
                        m.developer(), m.segmentDefect, m.createdOn > m.session.end))
                .toList();
    }

    /** Sessions started by {@code asOf}, each as it stood then, oldest start first. */
    public List<GeneratedSession> sessions(String botId, Instant asOf) {
        long t = ms(asOf);
        List<SimSession> all = bot(botId).sessions(Long.MIN_VALUE, t, horizon(t, t), s -> true, 0, Integer.MAX_VALUE)
                .items();
        return all.reversed().stream()
                .map(s -> new GeneratedSession(botId, s.toModel(t), s.userId, Instant.ofEpochMilli(s.visibleActiveAt),
                        Instant.ofEpochMilli(s.closeAt), Instant.ofEpochMilli(s.visibleClosedAt), s.developer != 0,
                        s.endBeforeStart))
                .toList();
    }

    /** Agent AI conversations with startTime in [from, to] that the API shows by {@code visibleBy}, oldest first. */
    public List<GeneratedConversation> conversations(String botId, Instant from, Instant to, Instant visibleBy) {
        long until = ms(visibleBy);
        return bot(botId).conversations(ms(from), ms(to), horizon(until, ms(to)), c -> c.visibleAt <= until, 0,
                        Integer.MAX_VALUE).items().stream()
                .map(c -> new GeneratedConversation(botId, c.toModel(), c.session.id, Instant.ofEpochMilli(c.visibleAt)))
                .toList();
    }

    /** The bot's traffic, or null for a bot id the simulator does not have. */
    BotTraffic find(String botId) {
        return bots.get(botId);
    }

    void advanceTo(long now) {
        bots.values().forEach(t -> t.advanceTo(now));
    }

    void pause(long now) {
        bots.values().forEach(t -> t.pause(now));
    }

    void resume(long now) {
        bots.values().forEach(t -> t.resume(now));
    }

    private BotTraffic bot(String botId) {
        BotTraffic t = bots.get(botId);
        if (t == null) {
            throw new IllegalArgumentException("unknown bot id " + botId);
        }
        return t;
    }

    /** How far to generate: what was asked, but never unboundedly past now (a week covers any skew). */
    private long horizon(long until, long to) {
        return Math.min(Math.min(until, to), now().plus(MAX_AHEAD).toEpochMilli());
    }

    /** Saturating, so Instant.MIN/MAX work as open bounds. */
    private static long ms(Instant t) {
        if (t.isAfter(FOREVER)) {
            return Long.MAX_VALUE;
        }
        return t.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE)) ? Long.MIN_VALUE : t.toEpochMilli();
    }
}
