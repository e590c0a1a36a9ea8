package dev.koreexporter.kore;

import dev.koreexporter.kore.dto.PageReader;
import dev.koreexporter.kore.dto.Requests;
import dev.koreexporter.kore.dto.WirePages;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;

/**
 * One Kore.ai listing, as data: its endpoint (path, page size), how a read is split into requests and each request's
 * body, and the one reader of its pages. {@link KoreClient} reads every listing by its description; the poller and
 * {@code doctor} name the same constants (README "Development").
 */
public record Listing<T extends KoreRecord>(Endpoint endpoint, Paging paging, RequestBody body, PageReader<T> reader) {

    /** getSessions by start time, active and closed sessions of every containment type. */
    public static final Listing<Session> SESSIONS = new Listing<>(Endpoint.GET_SESSIONS, Paging.SKIP,
            (q, skip, limit) -> Requests.Sessions.of(q.window(), skip, limit), WirePages.SESSIONS);
    /** getSessions by id: Kore.ai then ignores every other filter. */
    public static final Listing<Session> SESSIONS_BY_ID = new Listing<>(Endpoint.GET_SESSIONS, Paging.IDS,
            (q, position, limit) -> new Requests.SessionIds(q.ids()), WirePages.SESSIONS);
    /** getMessagesV2 with {@code includeLatency} (and {@code includeSecureForm: false}) for one channel, oldest first. */
    public static final Listing<Message> MESSAGES_V2 = new Listing<>(Endpoint.GET_MESSAGES_V2, Paging.SKIP,
            (q, skip, limit) -> Requests.Messages.withLatency(q.window(), q.channel(), skip, limit), WirePages.MESSAGES);
    /** getMessages (v1, at most 100 a page), the same request: for tenants without getMessagesV2. */
    public static final Listing<Message> MESSAGES_V1 = new Listing<>(Endpoint.GET_MESSAGES, Paging.SKIP,
            (q, skip, limit) -> Requests.Messages.withLatency(q.window(), q.channel(), skip, limit), WirePages.MESSAGES);
    /** Agent AI conversations (needs the bot's account id). */
    public static final Listing<AgentAiConversation> CONVERSATIONS = new Listing<>(Endpoint.AACONVERSATION,
            Paging.DAYS, (q, page, limit) -> Requests.Conversations.of(q.window(), page, limit),
            WirePages.CONVERSATIONS);

    /** getSessions takes at most 50 session ids a call (README, "How it reads Kore.ai"). */
    public static final int IDS_PER_REQUEST = 50;

    /** How a read is split into requests. */
    public enum Paging {
        /**
         * {@code skip}/{@code limit} over windows under 7 days: skip advances by the records received (a server may
         * cap pages), the limit halves after a page too large to read.
         */
        SKIP,
        /**
         * {@code page} numbers over whole UTC days, at most 7 a request; each day from the first page that can hold
         * a record of the window ({@link AgentAiCursor}).
         */
        DAYS,
        /** At most {@link #IDS_PER_REQUEST} ids a request, one request each. */
        IDS
    }

    /** The body asking for one page: the query (its window the part a request reads), the position and the limit. */
    @FunctionalInterface
    public interface RequestBody {
        Object at(Query part, int position, int limit);
    }

    public int pageSize() {
        return endpoint.pageSize();
    }
}
