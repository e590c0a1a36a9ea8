package dev.koreexporter.simulator;

import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Session;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** One generated session with its messages (sorted by createdOn) and, maybe, its Agent AI conversation. */
final class SimSession {
    static final Set<String> VOICE_CHANNELS = Set.of("korevg", "ivrVoice", "ivr", "twiliovoice", "audiocodes");

    final SimBot bot;
    final long idSeed;
    final String id;
    final String channel;
    final String userId;
    final String lang;
    final long start;
    final long end;
    final Containment containment;
    final boolean interactive;
    final long visibleActiveAt;
    /**
     * When Kore.ai closes it: its {@code end_time} under {@link SessionLifecycle#CLOSED_AT_END}, its inactivity
     * close (the closing message's time) under {@link SessionLifecycle#INACTIVITY_CLOSE}. Set once by the generator.
     */
    long closeAt;
    /** When the API starts showing it closed: its close plus the lateness of the data. Set once by the generator. */
    long visibleClosedAt;
    final String callerNumber;
    SimMessage[] messages;
    SimConversation conversation;
    /** Bot Builder test traffic ({@link Quirks#developerShare()}): 0 no, 1 shown as {@code true}, 2 as {@code 1}. */
    byte developer;
    /** Shown closed with an {@code end_time} before its {@code start_time} ({@link Quirks#badSessionShare()}). */
    boolean endBeforeStart;
    /** Set once the record was first served ({@link ServedRecords#firstServing}). */
    final AtomicBoolean served = new AtomicBoolean();

    SimSession(SimBot bot, long idSeed, String channel, String userId, String lang, long start, long end,
               Containment containment, boolean interactive, long visibleActiveAt, String callerNumber) {
        this.bot = bot;
        this.idSeed = idSeed;
        this.id = Ids.objectId(idSeed, 1);
        this.channel = channel;
        this.userId = userId;
        this.lang = lang;
        this.start = start;
        this.end = end;
        this.containment = containment;
        this.interactive = interactive;
        this.visibleActiveAt = visibleActiveAt;
        this.callerNumber = callerNumber;
    }

    static boolean isVoice(String channel) {
        return VOICE_CHANNELS.contains(channel);
    }

    boolean voice() {
        return isVoice(channel);
    }

    /** Closed at {@code t}: Kore.ai closed it by then (what really happened, not what is visible). */
    boolean closedAt(long t) {
        return closeAt <= t;
    }

    /** What the API shows at {@code now}: 0 invisible, 1 active, 2 closed. */
    int visibleState(long now) {
        if (visibleClosedAt <= now) {
            return 2;
        }
        return visibleActiveAt <= now ? 1 : 0;
    }

    int messagesUpTo(long t) {
        int n = 0;
        for (SimMessage m : messages) {
            if (m.createdOn <= t) {
                n++;
            }
        }
        return n;
    }

    String sessionType() {
        return interactive ? "interactive" : "non-interactive";
    }

    /** The session as it stood at {@code t}: closed with its final numbers, or active so far. */
    Session toModel(long t) {
        boolean closed = closedAt(t);
        return new Session(id, channel, Instant.ofEpochMilli(start), closed ? Instant.ofEpochMilli(end) : null,
                !closed, closed ? containment : null, sessionType(), closed ? messages.length : messagesUpTo(t),
                List.of(lang));
    }
}
