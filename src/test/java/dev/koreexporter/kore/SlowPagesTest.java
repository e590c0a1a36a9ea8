package dev.koreexporter.kore;

import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.TimeWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static dev.koreexporter.kore.FakeKore.Reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pages too slow for {@code kore.timeout} (README "How it reads Kore.ai"): the same window is asked again with half
 * the limit, down to 100; the stream keeps the smaller size for 30 minutes; three timeouts in a row, or one at 100,
 * fail the read, which goes on smaller the next time. Pages are slow here when they ask for more than a size, as
 * production clients saw with large pages.
 */
class SlowPagesTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final int MESSAGES = 2_500;

    private final FakeTime time = new FakeTime(T0);
    private final TimeWindow hour = new TimeWindow(T0.minus(Duration.ofHours(1)), T0);
    private final TestClients.RecordingListener listener = new TestClients.RecordingListener();
    /** Pages asking for more than this take longer than the timeout. */
    private final AtomicInteger slowAbove = new AtomicInteger();

    private FakeKore fake() {
        return new FakeKore(time, r -> {
            int skip = r.body().get("skip").asInt();
            int limit = r.body().get("limit").asInt();
            if (limit > slowAbove.get()) {
                try {
                    Thread.sleep(TIMEOUT.multipliedBy(4));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int n = Math.max(0, Math.min(limit, MESSAGES - skip));
            return Reply.ok(FakeKore.messagesPage(skip, n, skip + n < MESSAGES));
        });
    }

    private KoreClient client(FakeKore fake) {
        return TestClients.client(fake, time, listener, 10_000, 1_000_000, TIMEOUT);
    }

    private static int read(KoreClient client, String channel, TimeWindow window) {
        Iterable<Page<Message>> pages = client.pages(Listing.MESSAGES_V2, Query.of(window, channel));
        return (int) StreamSupport.stream(pages.spliterator(), false).mapToLong(p -> p.records().size()).sum();
    }

    private static List<Integer> limits(FakeKore fake, int from) {
        return fake.requests.subList(from, fake.requests.size()).stream()
                .map(r -> r.body().get("limit").asInt()).toList();
    }

    @Test
    void aTimedOutPageIsAskedAgainAtHalfTheLimitAndTheStreamKeepsTheSmallerSizeForThirtyMinutes() {
        slowAbove.set(3_000);
        try (var fake = fake(); var client = client(fake)) {
            assertEquals(MESSAGES, read(client, "korevg", hour), "nothing lost");
            assertEquals(List.of(10_000, 5_000, 2_500), limits(fake, 0));
            assertEquals(List.of("getMessagesV2 error", "getMessagesV2 error", "getMessagesV2 200"), listener.events);

            time.advance(Duration.ofMinutes(29));
            int before = fake.requests.size();
            assertEquals(MESSAGES, read(client, "korevg", hour));
            assertEquals(List.of(2_500), limits(fake, before), "at most half the smallest limit that timed out");
            before = fake.requests.size();
            assertEquals(MESSAGES, read(client, "ivrVoice", hour));
            assertEquals(List.of(10_000, 5_000, 2_500), limits(fake, before),
                    "another channel's stream is not held back: it asks for the full size first");

            // What is kept goes into the checkpoint with the page hints: a restarted client keeps it too.
            var hints = client.pageHints();
            try (var restarted = client(fake)) {
                restarted.restorePageHints(hints);
                before = fake.requests.size();
                assertEquals(MESSAGES, read(restarted, "korevg", hour));
                assertEquals(List.of(2_500), limits(fake, before));
            }

            time.advance(Duration.ofMinutes(2));
            slowAbove.set(Integer.MAX_VALUE);
            before = fake.requests.size();
            assertEquals(MESSAGES, read(client, "korevg", hour));
            assertEquals(List.of(10_000), limits(fake, before), "30 minutes after the timeout: the full size again");
        }
    }

    @Test
    void threeTimeoutsInARowFailTheReadWhichGoesOnSmallerNextTimeDownToOneHundred() {
        slowAbove.set(400);
        try (var fake = fake(); var client = client(fake)) {
            var e = assertThrows(KoreApiException.TimedOut.class, () -> read(client, "korevg", hour));
            assertTrue(e.getMessage().startsWith("getMessagesV2: no whole answer within kore.timeout"), e.getMessage());
            assertEquals(List.of(10_000, 5_000, 2_500), limits(fake, 0));

            int before = fake.requests.size();
            assertEquals(MESSAGES, read(client, "korevg", hour), "the next read goes on smaller, nothing lost");
            List<Integer> next = limits(fake, before);
            assertEquals(List.of(1_250, 625, 312), next.subList(0, 3));
            assertTrue(next.subList(3, next.size()).stream().allMatch(l -> l == 312), next.toString());

            // Slow at any size: a timeout at 100 fails the read at once, and no request asks for less than 100.
            slowAbove.set(0);
            time.advance(Duration.ofMinutes(31));
            before = fake.requests.size();
            assertThrows(KoreApiException.TimedOut.class, () -> read(client, "korevg", hour));
            assertEquals(List.of(10_000, 5_000, 2_500), limits(fake, before));
            before = fake.requests.size();
            assertThrows(KoreApiException.TimedOut.class, () -> read(client, "korevg", hour));
            assertEquals(List.of(1_250, 625, 312), limits(fake, before));
            before = fake.requests.size();
            assertThrows(KoreApiException.TimedOut.class, () -> read(client, "korevg", hour));
            assertEquals(List.of(156, 100), limits(fake, before));
            before = fake.requests.size();
            assertThrows(KoreApiException.TimedOut.class, () -> read(client, "korevg", hour));
            assertEquals(List.of(100), limits(fake, before));
            assertTrue(IntStream.range(0, fake.requests.size()).allMatch(i -> limits(fake, 0).get(i) >= 100));
        }
    }
}
