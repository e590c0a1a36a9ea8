package dev.koreexporter.kore;

import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static dev.koreexporter.kore.FakeKore.Reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KoreClientPagingTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private final FakeTime time = new FakeTime(T0);
    private final TimeWindow hour = new TimeWindow(T0.minus(Duration.ofHours(1)), T0);

    private static <T> List<T> all(Iterable<Page<T>> pages) {
        return StreamSupport.stream(pages.spliterator(), false).flatMap(p -> p.records().stream()).toList();
    }

    @Test
    void v2PagesAdvanceSkipByRecordsReceivedWhenTheServerCapsThePage() {
        // 250 messages; the server hands out at most 40 a page whatever limit is asked for.
        try (var fake = new FakeKore(time, r -> {
            int skip = r.body().get("skip").asInt();
            int n = Math.min(40, 250 - skip);
            return Reply.ok(FakeKore.messagesPage(skip, n, skip + n < 250));
        }); var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            List<Message> messages = all(client.pages(Listing.MESSAGES_V2, Query.of(hour, "korevg")));

            assertEquals(IntStream.range(0, 250).mapToObj(i -> "ms-" + i).toList(),
                    messages.stream().map(Message::id).toList());
            assertEquals(7, fake.requests.size());
            var first = fake.requests.getFirst();
            assertEquals("/api/public/bot/" + TestClients.BOT_ID + "/getMessagesV2", first.path());
            assertEquals(10_000, first.body().get("limit").asInt());
            assertEquals("korevg", first.body().get("channelType").asText());
            assertTrue(first.body().get("includeLatency").asBoolean());
            assertTrue(first.body().get("includeTraceId").asBoolean());
            assertTrue(first.body().get("forward").asBoolean());
            assertEquals("2026-11-21T17:00:00.000Z", first.body().get("dateFrom").asText());
            assertEquals("2026-11-21T18:00:00.000Z", first.body().get("dateTo").asText());
            assertEquals(List.of(0, 40, 80, 120, 160, 200, 240),
                    fake.requests.stream().map(r -> r.body().get("skip").asInt()).toList());
        }
    }

    @Test
    void pagesAreFetchedOnlyWhenTheIteratorReachesThem() {
        try (var fake = new FakeKore(time, r -> Reply.ok(FakeKore.messagesPage(r.body().get("skip").asInt(), 10, true)));
             var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            Iterator<Page<Message>> it = client.pages(Listing.MESSAGES_V2, Query.of(hour, "korevg")).iterator();
            assertEquals(0, fake.requests.size());
            it.next();
            it.next();
            assertEquals(2, fake.requests.size());
            assertEquals(10_000, fake.requests.getFirst().body().get("limit").asInt());
            assertFalse(fake.requests.getFirst().body().has("sessionId"));
        }
    }

    @Test
    void anEmptyPageEndsTheListingEvenWhenMoreIsClaimed() {
        try (var fake = new FakeKore(time, r -> {
            int skip = r.body().get("skip").asInt();
            return Reply.ok(FakeKore.messagesPage(skip, skip < 20 ? 10 : 0, true));
        }); var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            List<Page<Message>> pages = new ArrayList<>();
            client.pages(Listing.MESSAGES_V2, Query.of(hour, "korevg")).forEach(pages::add);

            assertEquals(2, pages.size());
            assertEquals(3, fake.requests.size());
        }
    }

    @Test
    void aFifteenDayWindowIsReadAsThreeContiguousWindowsUnderSevenDays() {
        try (var fake = new FakeKore(time, r -> Reply.ok("{\"moreAvailable\":false,\"sessions\":[{\"sessionId\":\"x"
                + r.body().get("dateFrom").asText() + "\",\"start_time\":\"2026-11-01T00:00:00.000Z\"}]}"));
             var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            var window = new TimeWindow(T0.minus(Duration.ofDays(15)), T0);
            List<Session> sessions = all(client.pages(Listing.SESSIONS, Query.of(window)));

            assertEquals(3, sessions.size());
            assertEquals(3, fake.requests.size());
            Instant expectedFrom = window.from();
            for (var r : fake.requests) {
                assertEquals("", r.query(), "every containment type");
                Instant from = Instant.parse(r.body().get("dateFrom").asText());
                Instant to = Instant.parse(r.body().get("dateTo").asText());
                assertEquals(expectedFrom, from, "no gap, no overlap");
                assertTrue(Duration.between(from, to).compareTo(Duration.ofDays(7)) < 0);
                assertEquals(1_000, r.body().get("limit").asInt());
                expectedFrom = to;
            }
            assertEquals(window.to(), expectedFrom);
        }
    }

    @Test
    void sessionsAskForNoContainmentTypeAndPageOnSkip() {
        try (var fake = new FakeKore(time, r -> {
            int skip = r.body().get("skip").asInt();
            var sb = new StringBuilder("{\"moreAvailable\":" + (skip == 0) + ",\"sessions\":[");
            for (int i = 0; i < (skip == 0 ? 100 : 5); i++) {
                sb.append(i == 0 ? "" : ",").append("{\"sessionId\":\"s").append(skip + i)
                        .append("\",\"start_time\":\"2026-11-21T17:30:00.000Z\",\"sessionStatus\":\"active\"}");
            }
            return Reply.ok(sb.append("]}").toString());
        }); var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            List<Session> sessions = all(client.pages(Listing.SESSIONS, Query.of(hour)));

            assertEquals(105, sessions.size());
            assertTrue(sessions.stream().allMatch(Session::active));
            assertEquals("", fake.requests.getFirst().query(), "no containmentType");
            assertEquals(List.of(0, 100), fake.requests.stream().map(r -> r.body().get("skip").asInt()).toList());
        }
    }

    @Test
    void sessionsByIdAreAskedInCallsOfAtMostFiftyAndReportInvalidIds() {
        try (var fake = new FakeKore(time, r -> {
            var ids = r.body().get("sessionId");
            var sb = new StringBuilder("{\"moreAvailable\":false,\"sessions\":[");
            for (int i = 0; i < ids.size() - 1; i++) {
                sb.append(i == 0 ? "" : ",").append("{\"sessionId\":\"").append(ids.get(i).asText())
                        .append("\",\"start_time\":\"2026-11-21T17:30:00.000Z\",\"sessionStatus\":\"closed\",")
                        .append("\"end_time\":\"2026-11-21T17:35:00.000Z\",\"containmentType\":\"agent\"}");
            }
            return Reply.ok(sb.append("],\"invalidSessions\":[\"").append(ids.get(ids.size() - 1).asText())
                    .append("\"]}").toString());
        }); var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            List<String> ids = IntStream.range(0, 120).mapToObj(i -> "id" + i).toList();
            var lookups = client.pages(Listing.SESSIONS_BY_ID, Query.ids(ids));
            assertEquals(0, fake.requests.size(), "lazy: no call before the iterator asks");
            List<String> invalid = new ArrayList<>();
            List<Session> found = new ArrayList<>();
            for (var lookup : lookups) {
                invalid.addAll(lookup.unknownIds());
                found.addAll(lookup.records());
            }

            assertEquals(List.of(50, 50, 20), fake.requests.stream().map(r -> r.body().get("sessionId").size()).toList());
            assertTrue(fake.requests.stream().allMatch(r -> r.body().size() == 1), "ids only, no other filter");
            assertEquals(List.of("id49", "id99", "id119"), invalid);
            assertEquals(117, found.size());
            assertTrue(found.stream().allMatch(s -> s.closed() && s.containment() == Containment.AGENT));
        }
    }

    @Test
    void agentAiPagesByNumberUntilHasMoreIsFalseWithTheAccountHeader() {
        try (var fake = new FakeKore(time, r -> {
            int page = r.body().get("page").asInt();
            var sb = new StringBuilder("{\"hasMore\":" + (page < 3) + ",\"results\":[");
            for (int i = 0; i < (page < 3 ? 20 : 7); i++) {
                sb.append(i == 0 ? "" : ",").append("{\"_id\":\"c").append(page).append('-').append(i)
                        .append("\",\"channelType\":\"voice\",\"startTime\":\"2026-11-21T12:12:56.561Z\"}");
            }
            return Reply.ok(sb.append("]}").toString());
        }); var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            var window = new TimeWindow(Instant.parse("2026-11-01T10:00:00Z"), Instant.parse("2026-11-10T10:00:00Z"));
            var conversations = all(client.pages(Listing.CONVERSATIONS, Query.of(window)));

            // Two day ranges (Nov 1-7, Nov 8-10), three pages each.
            assertEquals(2 * 47, conversations.size());
            assertEquals(List.of(1, 2, 3, 1, 2, 3), fake.requests.stream().map(r -> r.body().get("page").asInt()).toList());
            var first = fake.requests.getFirst();
            assertEquals("/agentassist/api/v1/public/" + TestClients.BOT_ID + "/aaconversation", first.path());
            assertEquals(TestClients.ACCOUNT_ID, first.header("accountId"));
            assertEquals("2026-11-01", first.body().get("from").asText());
            assertEquals("2026-11-07", first.body().get("to").asText());
            assertEquals("2026-11-08", fake.requests.get(3).body().get("from").asText());
            assertEquals("2026-11-10", fake.requests.get(3).body().get("to").asText());
            assertEquals(20, first.body().get("limit").asInt());
            assertFalse(first.body().get("includeHistory").asBoolean());
        }
    }

    /** A day of Agent AI conversations, one a minute from midnight, served 20 a page in list order. */
    private static Reply conversationsPage(List<Instant> day, int page) {
        int from = Math.min(day.size(), (page - 1) * 20);
        int to = Math.min(day.size(), from + 20);
        var sb = new StringBuilder("{\"hasMore\":" + (to < day.size()) + ",\"totalResults\":" + day.size()
                + ",\"results\":[");
        for (int i = from; i < to; i++) {
            sb.append(i == from ? "" : ",").append("{\"_id\":\"c-").append(day.get(i).getEpochSecond())
                    .append("\",\"channelType\":\"voice\",\"startTime\":\"").append(day.get(i)).append("\"}");
        }
        return Reply.ok(sb.append("]}").toString());
    }

    private static List<Instant> minutes(Instant midnight, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> midnight.plus(Duration.ofMinutes(i))).toList();
    }

    @Test
    void agentAiResumesAfterThePagesWhollyOlderThanTheWindow() {
        Instant midnight = Instant.parse("2026-11-21T00:00:00Z");
        List<Instant> day = new ArrayList<>(minutes(midnight, 0, 65));
        try (var fake = new FakeKore(time, r -> conversationsPage(day, r.body().get("page").asInt()));
             var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            // Window from 00:50: positions 0-49 are older, so pages 1 and 2 (0-39) hold nothing of it.
            assertEquals(65, all(client.pages(Listing.CONVERSATIONS, Query.of(new TimeWindow(midnight.plusSeconds(50 * 60),
                    midnight.plusSeconds(65 * 60))))).size());
            day.addAll(minutes(midnight, 65, 75));
            fake.requests.clear();

            var again = all(client.pages(Listing.CONVERSATIONS, Query.of(new TimeWindow(midnight.plusSeconds(55 * 60),
                    midnight.plusSeconds(75 * 60)))));

            assertEquals(List.of(3, 4), fake.requests.stream().map(r -> r.body().get("page").asInt()).toList());
            assertTrue(again.stream().map(c -> c.startTime()).toList().containsAll(minutes(midnight, 55, 75)));
        }
    }

    @Test
    void agentAiReadsFromPageOneAgainOnceTheListingIsOutOfOrder() {
        Instant midnight = Instant.parse("2026-11-21T00:00:00Z");
        List<Instant> day = new ArrayList<>(minutes(midnight, 0, 65).reversed());
        try (var fake = new FakeKore(time, r -> conversationsPage(day, r.body().get("page").asInt()));
             var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            var window = new TimeWindow(midnight.plusSeconds(50 * 60), midnight.plusSeconds(65 * 60));
            all(client.pages(Listing.CONVERSATIONS, Query.of(window)));
            fake.requests.clear();

            assertEquals(65, all(client.pages(Listing.CONVERSATIONS, Query.of(window))).size());

            assertEquals(List.of(1, 2, 3, 4), fake.requests.stream().map(r -> r.body().get("page").asInt()).toList());
        }
    }

    @Test
    void agentAiKeepsSkippingTheFirstDaysPagesWhenTheWindowCrossesMidnight() {
        Instant midnight = Instant.parse("2026-11-21T00:00:00Z");
        Instant eveningStart = midnight.minus(Duration.ofMinutes(65));
        List<Instant> days = new ArrayList<>(minutes(eveningStart, 0, 65));
        try (var fake = new FakeKore(time, r -> conversationsPage(days, r.body().get("page").asInt()));
             var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            // Nov 20 alone, window from 23:45: pages 1 and 2 (23:55 - 23:34) are older.
            all(client.pages(Listing.CONVERSATIONS, Query.of(new TimeWindow(midnight.minus(Duration.ofMinutes(15)),
                    midnight.minusSeconds(1)))));
            assertEquals("2026-11-20", fake.requests.getFirst().body().get("to").asText());
            days.addAll(minutes(midnight, 0, 10));
            fake.requests.clear();

            // Nov 20 - 21 in one request range: its listing starts with Nov 20's records, same pages.
            var again = all(client.pages(Listing.CONVERSATIONS, Query.of(new TimeWindow(midnight.minus(Duration.ofMinutes(10)),
                    midnight.plus(Duration.ofMinutes(10))))));

            assertEquals(List.of(3, 4), fake.requests.stream().map(r -> r.body().get("page").asInt()).toList());
            assertEquals("2026-11-21", fake.requests.getFirst().body().get("to").asText());
            assertTrue(again.stream().map(c -> c.startTime()).toList().containsAll(minutes(midnight, 0, 10)));

            // A read of Nov 21 alone (between sweeps) must not make the next sweep forget Nov 20's pages.
            all(client.pages(Listing.CONVERSATIONS, Query.of(new TimeWindow(midnight.plus(Duration.ofMinutes(9)),
                    midnight.plus(Duration.ofMinutes(10))))));
            fake.requests.clear();
            all(client.pages(Listing.CONVERSATIONS, Query.of(new TimeWindow(midnight.minus(Duration.ofMinutes(8)),
                    midnight.plus(Duration.ofMinutes(10))))));
            assertEquals(List.of(3, 4), fake.requests.stream().map(r -> r.body().get("page").asInt()).toList());
        }
    }

    @Test
    void agentAiNoticesPagesOutOfOrderEvenWhenEachPageIsSorted() {
        Instant midnight = Instant.parse("2026-11-21T00:00:00Z");
        // Sorted within each page of 20, but the pages newest first.
        List<Instant> day = new ArrayList<>();
        for (int p = 3; p >= 0; p--) {
            day.addAll(minutes(midnight, p * 20, p * 20 + 20));
        }
        try (var fake = new FakeKore(time, r -> conversationsPage(day, r.body().get("page").asInt()));
             var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            all(client.pages(Listing.CONVERSATIONS, Query.of(new TimeWindow(midnight.plusSeconds(50 * 60),
                    midnight.plusSeconds(80 * 60)))));
            fake.requests.clear();

            // Every full page's last record is older than 85 min: only the order check keeps page 1 in play.
            all(client.pages(Listing.CONVERSATIONS, Query.of(new TimeWindow(midnight.plusSeconds(85 * 60),
                    midnight.plusSeconds(90 * 60)))));

            assertEquals(List.of(1, 2, 3, 4), fake.requests.stream().map(r -> r.body().get("page").asInt()).toList());
        }
    }
}
