package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.metrics.TurnExemplar;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;
import dev.koreexporter.model.Session;
import dev.koreexporter.tracing.SpanRef;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * One kind of record, as data (README "Development", "How it reads Kore.ai"): its {@code kind} label; the checkpoint
 * keys its ids are de-duplicated across ({@code scope}: every key starting with it, so a message is counted once per
 * bot whichever channel's stream read it); the name of {@code doctor}'s check of its streams ({@code check}, the
 * channel appended); which streams a bot reads it from and through which listings ({@link Plan}); what a record not
 * seen before means ({@link Rule}); how a counted one reaches the meters and the tracer ({@link Sink}); the time its
 * delay is counted from; and how far back its streams re-read ({@link Reach}). The one read-and-count path
 * ({@link StreamReader}, {@link RecordCounter}) serves every kind, and {@code doctor} checks every stream; a new kind
 * is a constant here, listed in {@link #ALL}.
 */
public record Kind<T extends KoreRecord>(RecordKind label, String scope, String check, Plan<T> plan, Rule<T> rule,
                                         Sink<T> sink, Function<T, Instant> countedFrom, Reach reach) {

    /**
     * Sessions are counted once, when listed closed. getSessions lists them by start time, and Kore.ai reports a
     * session closed only at its inactivity close, often 25-45 min after its start: so the sessions stream re-reads
     * by start time over {@code poll.session-horizon}, and a session still active is left for a later re-read (it is
     * neither counted nor remembered). That counts every session reported closed within the horizon whether or not
     * getSessions lists active sessions at all. Developer sessions are left out whatever their times (when first
     * seen, even active); sessions with impossible times are rejected.
     */
    public static final Kind<Session> SESSIONS = new Kind<>(RecordKind.SESSION, "sessions", "sessions",
            (bot, messagesApi) -> List.of(new Source<>(null, List.of(Listing.SESSIONS))),
            (s, includeDeveloper) -> s.developer() && !includeDeveloper ? Verdict.EXCLUDE
                    : s.badTimes() ? Verdict.REJECT : s.active() ? Verdict.NOT_FINAL : Verdict.COUNT,
            (s, out) -> {
                out.closed(s.end(), s.containment());
                out.metrics().sessionClosed(out.bot().name(), s);
                out.afterPage(tracer -> tracer.sessionClosed(out.bot(), s));
            },
            Session::end, Reach.SESSION_HORIZON);

    /**
     * Messages, a stream per channel (getMessagesV2, or getMessages v1 as {@code kore.messages-api} says), counted
     * once per bot; a turn is traced. Invalid latency values count as one rejection of the message, which is still
     * counted with its valid values.
     */
    public static final Kind<Message> MESSAGES = new Kind<>(RecordKind.MESSAGE, "messages:", "messages:",
            (bot, messagesApi) -> bot.channels().stream()
                    .map(c -> new Source<>(c, messageListings(messagesApi))).toList(),
            (m, includeDeveloper) -> m.developer() && !includeDeveloper ? Verdict.EXCLUDE : Verdict.COUNT,
            Kind::message, Message::createdOn, Reach.LOOKBACK);

    /** Agent AI conversations (bots with an account id), each counted once. */
    public static final Kind<AgentAiConversation> CONVERSATIONS = new Kind<>(RecordKind.CONVERSATION,
            "conversations", "agentai", (bot, messagesApi) -> bot.accountId() == null ? List.of()
                    : List.of(new Source<>(null, List.of(Listing.CONVERSATIONS))),
            (c, includeDeveloper) -> Verdict.COUNT,
            (c, out) -> out.metrics().conversation(out.bot().name(), c), AgentAiConversation::startTime,
            Reach.LOOKBACK);

    /** Every kind, in the order a cycle reads their streams. */
    public static final List<Kind<?>> ALL = List.of(SESSIONS, MESSAGES, CONVERSATIONS);

    private static final Rejection SEGMENT_BAD_VALUE = new Rejection(RecordKind.SEGMENT, RejectionReason.BAD_VALUE);

    /** What a record not counted before means. */
    public enum Verdict {
        /** Counted now: it reaches the meters and the tracer. */
        COUNT,
        /** Not final yet (an active session): nothing is remembered; a later re-read counts it once it is. */
        NOT_FINAL,
        /** Left out on purpose (developer traffic), counted as excluded, once. */
        EXCLUDE,
        /** Impossible as it stands ({@code bad_value}), counted as rejected, once. */
        REJECT
    }

    /** How far back each read of a kind's streams reaches (README "How it reads Kore.ai"). */
    public enum Reach {
        /** {@code poll.lookback}: how late Kore.ai's data may land. */
        LOOKBACK,
        /** {@code poll.session-horizon}: how long after its start a session may be reported closed and still count. */
        SESSION_HORIZON;

        public Duration of(ExporterConfig.Poll poll) {
            return this == LOOKBACK ? poll.lookback() : poll.sessionHorizon();
        }
    }

    /** The streams a bot reads a kind from: none, one, or one per channel. */
    @FunctionalInterface
    public interface Plan<T extends KoreRecord> {
        List<Source<T>> of(ExporterConfig.Bot bot, MessagesApi messagesApi);
    }

    /** One stream of a kind: its channel (null for kinds not read by channel) and its listings, the first first. */
    public record Source<T extends KoreRecord>(String channel, List<Listing<T>> listings) {
    }

    /** The verdict on a record; {@code includeDeveloper} is {@code filters.include-developer}. */
    @FunctionalInterface
    public interface Rule<T> {
        Verdict of(T record, boolean includeDeveloper);
    }

    /** Hands a counted record to the bot's meters and tracer. */
    @FunctionalInterface
    public interface Sink<T> {
        void counted(T record, Meters out);
    }

    /** The checkpoint key of this kind's stream of {@code channel} (null for kinds not read by channel). */
    public String key(String channel) {
        return channel == null ? scope : scope + channel;
    }

    /** The streams {@code bot} reads this kind from. */
    List<Stream<T>> streams(ExporterConfig.Bot bot, MessagesApi messagesApi) {
        return plan.of(bot, messagesApi).stream().map(s -> Stream.of(this, s.channel(), s.listings())).toList();
    }

    private static List<Listing<Message>> messageListings(MessagesApi messagesApi) {
        return switch (messagesApi) {
            case AUTO -> List.of(Listing.MESSAGES_V2, Listing.MESSAGES_V1);
            case V2 -> List.of(Listing.MESSAGES_V2);
            case V1 -> List.of(Listing.MESSAGES_V1);
        };
    }

    private static void message(Message m, Meters out) {
        if (!m.droppedLatency().isEmpty()) {
            out.rejected(SEGMENT_BAD_VALUE);
        }
        out.metrics().message(out.bot().name(), m);
        if (m.isTurn()) {
            // Counted with its page (and published with its checkpoint); its span's ids, the exemplar, come after.
            out.metrics().turn(out.bot().name(), m, null);
            out.turn();
        }
        out.afterPage(tracer -> {
            tracer.incoming(out.bot(), m);
            SpanRef span = m.isTurn() && m.tracedTurn() ? tracer.turn(out.bot(), m) : null;
            if (span != null) {
                out.metrics().turnExemplar(out.bot().name(), m, new TurnExemplar(span.traceId(), span.spanId()));
            }
        });
    }
}
