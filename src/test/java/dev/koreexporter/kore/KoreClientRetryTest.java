package dev.koreexporter.kore;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.testing.TestConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static dev.koreexporter.kore.FakeKore.Reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KoreClientRetryTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private static final String ONE_PAGE = FakeKore.messagesPage(0, 2, false);
    private final FakeTime time = new FakeTime(T0);
    private final TestClients.RecordingListener listener = new TestClients.RecordingListener();
    private final TimeWindow hour = new TimeWindow(T0.minus(Duration.ofHours(1)), T0);

    /** Answers with {@code replies} in turn, then with the last one forever. */
    private static Function<FakeKore.Request, Reply> inTurn(Reply... replies) {
        var n = new AtomicInteger();
        return r -> replies[Math.min(n.getAndIncrement(), replies.length - 1)];
    }

    private List<Message> readAll(KoreClient client) {
        var out = new ArrayList<Message>();
        for (Page<Message> p : client.pages(Listing.MESSAGES_V2, Query.of(hour, "korevg"))) {
            out.addAll(p.records());
        }
        return out;
    }

    @Test
    void throttledWithRetryAfterSecondsWaitsThatLong() {
        try (var fake = new FakeKore(time, inTurn(Reply.json(429, "{}").with("Retry-After", "7"), Reply.ok(ONE_PAGE)));
             var client = TestClients.client(fake, time, listener)) {
            assertEquals(2, readAll(client).size());
            assertEquals(List.of(Duration.ofSeconds(7)), time.sleeps);
            assertEquals(List.of("getMessagesV2 429", "getMessagesV2 throttled", "getMessagesV2 200"), listener.events);
        }
    }

    @Test
    void throttledWithRetryAfterHttpDateWaitsUntilThen() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(T0.plusSeconds(90).atOffset(ZoneOffset.UTC));
        try (var fake = new FakeKore(time, inTurn(Reply.json(429, "{}").with("Retry-After", date), Reply.ok(ONE_PAGE)));
             var client = TestClients.client(fake, time, listener)) {
            readAll(client);
            assertEquals(List.of(Duration.ofSeconds(90)), time.sleeps);
        }
    }

    @Test
    void throttledWithoutRetryAfterBacksOffExponentiallyWithJitterThenGivesUp() {
        try (var fake = new FakeKore(time, r -> Reply.json(429, "{\"errors\":[{\"msg\":\"Too many\",\"code\":429}]}"));
             var client = TestClients.client(fake, time, listener)) {
            var e = assertThrows(KoreApiException.class, () -> readAll(client));

            assertEquals(429, e.status());
            assertEquals(RetryPolicy.DEFAULT.maxThrottled(), fake.requests.size());
            // jitter 0.5 of min(60 s, 1 s * 2^(n-1))
            assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L),
                    time.sleeps.stream().map(Duration::toMillis).toList());
            assertEquals(8, listener.events.stream().filter(s -> s.endsWith("throttled")).count());
            assertEquals(8, listener.events.stream().filter(s -> s.endsWith(" 429")).count());
        }
    }

    @Test
    void serverErrorThenSuccessIsRetried() {
        try (var fake = new FakeKore(time, inTurn(Reply.json(503, "{}"), Reply.json(500, "{}"), Reply.ok(ONE_PAGE)));
             var client = TestClients.client(fake, time, listener)) {
            assertEquals(2, readAll(client).size());
            assertEquals(List.of("getMessagesV2 503", "getMessagesV2 500", "getMessagesV2 200"), listener.events);
            assertEquals(2, time.sleeps.size());
        }
    }

    @Test
    void permanentServerErrorFailsAfterBoundedAttempts() {
        try (var fake = new FakeKore(time, r -> Reply.json(502, "{\"errors\":[{\"msg\":\"bad gateway\",\"code\":502}]}"));
             var client = TestClients.client(fake, time, listener)) {
            var e = assertThrows(KoreApiException.class, () -> readAll(client));
            assertEquals(502, e.status());
            assertEquals(Endpoint.GET_MESSAGES_V2, e.endpoint());
            assertTrue(e.getMessage().contains("bad gateway"), e.getMessage());
            assertEquals(RetryPolicy.DEFAULT.maxTransientRetries() + 1, fake.requests.size());
        }
    }

    @Test
    void timeoutThenSuccessIsRetriedAndCountedAsError() throws Exception {
        var release = new CountDownLatch(1);
        var calls = new AtomicInteger();
        try (var fake = new FakeKore(time, r -> {
            if (calls.getAndIncrement() == 0) {
                try {
                    release.await(5, TimeUnit.SECONDS); // hang past the client's read timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Reply.ok(ONE_PAGE);
        }); var client = TestClients.client(fake, time, listener, 1000, 100_000, Duration.ofMillis(300))) {
            assertEquals(2, readAll(client).size());
            release.countDown();
            assertEquals(List.of("getMessagesV2 error", "getMessagesV2 200"), listener.events);
        }
    }

    @Test
    void unauthorizedIsAnAuthErrorWithKoresMessageAndNoSecretOrToken() {
        try (var fake = new FakeKore(time, r -> Reply.json(401,
                "{\"errors\":[{\"msg\":\"Unauthorized: invalid JWT\",\"code\":401}]}"));
             var client = TestClients.client(fake, time, listener)) {
            var e = assertThrows(KoreApiException.Auth.class, () -> readAll(client));

            assertTrue(e.getMessage().contains("Unauthorized: invalid JWT"), e.getMessage());
            assertTrue(e.getMessage().contains("getMessagesV2"), e.getMessage());
            String jwt = fake.requests.getFirst().header("auth");
            assertFalse(e.getMessage().contains(TestClients.SECRET));
            assertFalse(e.getMessage().contains(jwt));
            assertEquals(1, fake.requests.size(), "no retry");
            assertEquals(List.of("getMessagesV2 401"), listener.events);
        }
    }

    @Test
    void otherClientErrorsFailAtOnceWithKoresMessage() {
        try (var fake = new FakeKore(time, r -> Reply.json(400,
                "{\"errors\":[{\"msg\":\"dateTo - dateFrom must be less than 7 days\",\"code\":400}]}"));
             var client = TestClients.client(fake, time, listener)) {
            var e = assertThrows(KoreApiException.class, () -> readAll(client));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("less than 7 days"), e.getMessage());
            assertEquals(1, fake.requests.size());
        }
    }

    @Test
    void malformedJsonIsABadResponseNamingTheEndpoint() {
        try (var fake = new FakeKore(time, r -> Reply.ok("{\"messages\": [ hello user words ]}"));
             var client = TestClients.client(fake, time, listener)) {
            var e = assertThrows(KoreApiException.BadResponse.class, () -> readAll(client));
            assertTrue(e.getMessage().startsWith("getMessagesV2:"), e.getMessage());
            assertFalse(e.getMessage().contains("hello"), "no body content in messages");
            assertEquals(1, fake.requests.size());
        }
    }

    @Test
    void truncatedJsonIsRetriedThenABadResponse() {
        String cut = ONE_PAGE.substring(0, ONE_PAGE.length() / 2);
        try (var fake = new FakeKore(time, r -> Reply.ok(cut)); var client = TestClients.client(fake, time, listener)) {
            var e = assertThrows(KoreApiException.BadResponse.class, () -> readAll(client));
            assertTrue(e.getMessage().startsWith("getMessagesV2:"), e.getMessage());
            assertEquals(RetryPolicy.DEFAULT.maxTruncatedRetries() + 1, fake.requests.size());
        }
    }

    @Test
    void truncatedOnceThenWholeSucceeds() {
        try (var fake = new FakeKore(time, inTurn(Reply.ok(ONE_PAGE.substring(0, 30)), Reply.ok(ONE_PAGE)));
             var client = TestClients.client(fake, time, listener)) {
            assertEquals(2, readAll(client).size());
        }
    }

    @Test
    void wrongShapeIsABadResponse() {
        try (var fake = new FakeKore(time, r -> Reply.ok("{\"messages\": {\"_id\": \"x\"}}"));
             var client = TestClients.client(fake, time, listener)) {
            assertThrows(KoreApiException.BadResponse.class, () -> readAll(client));
        }
    }

    @Test
    void gzipBodiesAreDecodedAndGzipIsAskedFor() {
        try (var fake = new FakeKore(time, r -> Reply.gzip(FakeKore.messagesPage(0, 3, false)));
             var client = TestClients.client(fake, time, listener)) {
            assertEquals(List.of("ms-0", "ms-1", "ms-2"), readAll(client).stream().map(Message::id).toList());
            assertTrue(fake.requests.getFirst().header("Accept-Encoding").contains("gzip"));
        }
    }

    @Test
    void gzipHeaderOnAnAlreadyPlainBodyIsPassedThrough() {
        try (var fake = new FakeKore(time, r -> Reply.ok(ONE_PAGE).with("Content-Encoding", "gzip"));
             var client = TestClients.client(fake, time, listener)) {
            assertEquals(2, readAll(client).size());
        }
    }

    @Test
    void listenerHearsEveryAttemptWithItsCode() {
        try (var fake = new FakeKore(time, inTurn(Reply.json(500, "{}"), Reply.json(429, "{}"),
                Reply.ok(FakeKore.messagesPage(0, 1, true)), Reply.ok(FakeKore.messagesPage(1, 1, false))));
             var client = TestClients.client(fake, time, listener)) {
            readAll(client);
            assertEquals(List.of("getMessagesV2 500", "getMessagesV2 429", "getMessagesV2 throttled",
                    "getMessagesV2 200", "getMessagesV2 200"), listener.events);
            assertEquals(4, fake.requests.size());
        }
    }

    @Test
    void interruptionAbortsAWaitPromptly() {
        Sleeper interrupting = d -> {
            throw new InterruptedException();
        };
        try (var fake = new FakeKore(time, r -> Reply.json(503, "{}"))) {
            var kore = TestConfig.builder().set("kore.base-url", fake.baseUrl())
                    .set("kore.timeout", Duration.ofSeconds(5)).set("kore.rate-limit.per-minute", 60)
                    .set("kore.rate-limit.per-hour", 1800).kore();
            try (var client = KoreClient.builder(kore, TestClients.bot(TestClients.SECRET), time).listener(listener)
                    .sleeper(interrupting).jitter(() -> 0.5).build()) {
                assertThrows(KoreApiException.Interrupted.class, () -> readAll(client));
                assertTrue(Thread.interrupted(), "interrupt flag restored (and cleared here)");
                assertEquals(1, fake.requests.size());
            }
        }
    }

    @Test
    void aRedirectIsRefusedNamingTheEndpointAndTheLocationsHostAndNeverFollowed() {
        try (var elsewhere = new FakeKore(time, r -> Reply.ok(ONE_PAGE));
             var fake = new FakeKore(time, r -> Reply.json(302, "{}").with("Location",
                     elsewhere.baseUrl().toString().replace("127.0.0.1", "localhost") + "/steal?token=x"));
             var client = TestClients.client(fake, time, listener)) {
            var e = assertThrows(KoreApiException.class, () -> readAll(client));

            assertEquals(302, e.status());
            assertTrue(e.getMessage().startsWith("getMessagesV2: HTTP 302 redirect to host localhost refused"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("steal") || e.getMessage().contains("token=x"), e.getMessage());
            assertEquals(1, fake.requests.size(), "asked once: a redirect is no transient failure");
            assertEquals(0, elsewhere.requests.size(), "not followed");
        }
    }
}
