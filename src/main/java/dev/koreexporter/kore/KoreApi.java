package dev.koreexporter.kore;

import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The Kore.ai analytics APIs of one bot. Listings are lazy: each page is fetched when the iterator reaches
 * it, windows longer than the API allows are split transparently. Failures are thrown as
 * {@link KoreApiException} from the iterator.
 */
public interface KoreApi {

    /** getSessions by start time, active and closed sessions of every containment type. */
    Iterable<Page<Session>> sessions(TimeWindow window);

    /** getSessions by id; lazy like the listings, one element per call of at most 50 ids. */
    Iterable<SessionLookup> sessionsById(Collection<String> ids);

    /** getMessagesV2 with {@code includeLatency: true} for one channel, oldest first. */
    Iterable<Page<Message>> messages(String channel, TimeWindow window);

    /**
     * getMessages (v1, at most 100 a page) with {@code includeLatency: true} for one channel, oldest first: for
     * tenants without getMessagesV2 (README, "How it reads Kore.ai").
     */
    Iterable<Page<Message>> messagesV1(String channel, TimeWindow window);

    /** Agent AI conversations (needs the bot's account id). */
    Iterable<Page<AgentAiConversation>> agentAiConversations(TimeWindow window);

    /**
     * Kore.ai's time at its latest answer, from its {@code Date} headers; empty when unknown (no answer yet,
     * or an API that does not tell).
     */
    default Optional<Instant> serverTime() {
        return Optional.empty();
    }

    /** Result of one by-id call: sessions found, ids Kore.ai did not know, records rejected. */
    record SessionLookup(List<Session> sessions, List<String> invalidIds, List<Rejection> rejections) {
        public SessionLookup {
            sessions = List.copyOf(sessions);
            invalidIds = List.copyOf(invalidIds);
            rejections = List.copyOf(rejections);
        }

        /** The lookup as a page, so it is counted like any listing's page. */
        public Page<Session> page() {
            return new Page<>(sessions, rejections, sessions.size(), invalidIds);
        }
    }
}
