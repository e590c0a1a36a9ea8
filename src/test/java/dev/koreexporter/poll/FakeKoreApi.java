package dev.koreexporter.poll;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreApiException;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Query;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An in-memory KoreApi for poller tests: records become visible at a given time, sessions have versions
 * (active, then closed), listings are paged small so paging paths run.
 */
final class FakeKoreApi implements KoreApi {
    record Visible<T>(T record, Instant visibleAt) {
    }

    private final Clock clock;
    private final int pageSize;
    final List<Visible<Session>> sessionVersions = new ArrayList<>();
    final Map<String, List<Visible<Message>>> messages = new HashMap<>();
    final List<Visible<AgentAiConversation>> conversations = new ArrayList<>();
    final List<List<String>> lookups = new ArrayList<>();
    final List<TimeWindow> messageWindows = new ArrayList<>();
    final List<TimeWindow> conversationWindows = new ArrayList<>();
    final List<TimeWindow> sessionWindows = new ArrayList<>();
    final List<TimeWindow> v1Windows = new ArrayList<>();
    volatile KoreApiException failMessages;
    /** getMessagesV2 answers 404 (when its first page is asked for), as on a tenant without it. */
    volatile boolean v2Missing;
    /** The messages APIs ignore {@code channelType}: every channel's messages for any channel asked. */
    volatile boolean ignoreChannelType;
    int v2Calls;

    FakeKoreApi(Clock clock, int pageSize) {
        this.clock = clock;
        this.pageSize = pageSize;
    }

    void addMessage(Message m, Instant visibleAt) {
        messages.computeIfAbsent(m.channel(), c -> new ArrayList<>()).add(new Visible<>(m, visibleAt));
    }

    void addSession(Session s, Instant visibleAt) {
        sessionVersions.add(new Visible<>(s, visibleAt));
    }

    /** The newest visible version of every session. */
    private List<Session> currentSessions() {
        Instant now = clock.instant();
        Map<String, Visible<Session>> current = new HashMap<>();
        for (Visible<Session> v : sessionVersions) {
            if (!v.visibleAt().isAfter(now)) {
                current.merge(v.record().id(), v, (a, b) -> a.visibleAt().isAfter(b.visibleAt()) ? a : b);
            }
        }
        return current.values().stream().map(Visible::record).toList();
    }

    /** The listings the poller reads, each served from the records above. */
    @Override
    @SuppressWarnings("unchecked")
    public <T extends KoreRecord> Iterable<Page<T>> pages(Listing<T> listing, Query query) {
        Object pages;
        if (listing == Listing.SESSIONS) {
            pages = sessions(query.window());
        } else if (listing == Listing.SESSIONS_BY_ID) {
            pages = sessionsById(query.ids());
        } else if (listing == Listing.MESSAGES_V2) {
            pages = messages(query.channel(), query.window());
        } else if (listing == Listing.MESSAGES_V1) {
            pages = messagesV1(query.channel(), query.window());
        } else if (listing == Listing.CONVERSATIONS) {
            pages = agentAiConversations(query.window());
        } else {
            throw new IllegalArgumentException("no fake for " + listing.endpoint());
        }
        return (Iterable<Page<T>>) pages;
    }

    private Iterable<Page<Session>> sessions(TimeWindow window) {
        sessionWindows.add(window);
        List<Session> hits = currentSessions().stream()
                .filter(s -> window.contains(s.start()))
                .sorted(Comparator.comparing(Session::start).reversed())
                .toList();
        return pages(hits);
    }

    private Iterable<Page<Session>> sessionsById(Collection<String> ids) {
        List<Page<Session>> calls = new ArrayList<>();
        List<String> all = List.copyOf(ids);
        for (int i = 0; i < all.size(); i += 50) {
            calls.add(lookUp(all.subList(i, Math.min(all.size(), i + 50))));
        }
        return calls;
    }

    private Page<Session> lookUp(Collection<String> ids) {
        if (ids.size() > 50) {
            throw new IllegalArgumentException("more than 50 ids");
        }
        lookups.add(List.copyOf(ids));
        List<Session> found = currentSessions().stream().filter(s -> ids.contains(s.id())).toList();
        List<String> invalid = ids.stream().filter(id -> found.stream().noneMatch(s -> s.id().equals(id))).toList();
        return new Page<>(found, List.of(), found.size(), invalid);
    }

    private Iterable<Page<Message>> messages(String channel, TimeWindow window) {
        if (failMessages != null) {
            throw failMessages;
        }
        v2Calls++;
        if (v2Missing) {
            return () -> {
                throw new KoreApiException(Endpoint.GET_MESSAGES_V2, 404, "HTTP 404", null);
            };
        }
        messageWindows.add(window);
        return channelMessages(channel, window);
    }

    private Iterable<Page<Message>> messagesV1(String channel, TimeWindow window) {
        v1Windows.add(window);
        return channelMessages(channel, window);
    }

    private List<Page<Message>> channelMessages(String channel, TimeWindow window) {
        List<Visible<Message>> all = ignoreChannelType
                ? messages.values().stream().flatMap(List::stream).toList() : messages.getOrDefault(channel, List.of());
        return pages(visible(all, clock.instant(),
                m -> window.contains(m.createdOn()), Comparator.comparing(Message::createdOn)));
    }

    private Iterable<Page<AgentAiConversation>> agentAiConversations(TimeWindow window) {
        conversationWindows.add(window);
        return pages(visible(conversations, clock.instant(), c -> window.contains(c.startTime()),
                Comparator.comparing(AgentAiConversation::startTime)));
    }

    private static <T> List<T> visible(List<Visible<T>> all, Instant now, Predicate<T> filter, Comparator<T> order) {
        return all.stream().filter(v -> !v.visibleAt().isAfter(now)).map(Visible::record).filter(filter)
                .sorted(order).toList();
    }

    private <T> List<Page<T>> pages(List<T> all) {
        List<Page<T>> pages = new ArrayList<>();
        for (int i = 0; i < all.size(); i += pageSize) {
            List<T> slice = all.subList(i, Math.min(all.size(), i + pageSize));
            pages.add(new Page<>(slice, List.of(), slice.size(), List.of()));
        }
        return pages;
    }
}
