package dev.koreexporter.kore;

import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;

import java.util.Collection;
import java.util.List;

/**
 * The Kore.ai analytics APIs of one bot. Listings are lazy: each page is fetched when the iterator reaches
 * it, windows longer than the API allows are split transparently. Failures are thrown as
 * {@link KoreApiException} from the iterator.
 */
public interface KoreApi {

    /** getSessions by start time; {@code containment} null reads active and closed sessions of every type. */
    Iterable<Page<Session>> sessions(TimeWindow window, Containment containment);

    /** getSessions by id, in calls of at most 50 ids. */
    SessionLookup sessionsById(Collection<String> ids);

    /** getMessagesV2 with {@code includeLatency: true} for one channel, oldest first. */
    Iterable<Page<Message>> messages(String channel, TimeWindow window);

    /** getMessages (v1, at most 100 a page) with {@code includeLatency: true}; {@code sessionIds} may be empty. */
    Iterable<Page<Message>> messagesV1(String channel, TimeWindow window, List<String> sessionIds);

    /** messages-lite: the API requires a user id, so this is usable only where one is known. */
    Iterable<Page<Message>> messagesLite(String userId, String channel, TimeWindow window);

    /** Agent AI conversations (needs the bot's account id). */
    Iterable<Page<AgentAiConversation>> agentAiConversations(TimeWindow window);

    /** Result of a by-id lookup: sessions found, ids Kore.ai did not know, records rejected. */
    record SessionLookup(List<Session> sessions, List<String> invalidIds, List<dev.koreexporter.model.Rejection> rejections) {
        public SessionLookup {
            sessions = List.copyOf(sessions);
            invalidIds = List.copyOf(invalidIds);
            rejections = List.copyOf(rejections);
        }
    }
}
