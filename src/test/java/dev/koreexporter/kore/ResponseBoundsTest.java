package dev.koreexporter.kore;

import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.testing.TestConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static dev.koreexporter.kore.FakeKore.Reply;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kore.max-response-size, the shrinking page size after a too-large page, and the whole-request deadline. */
class ResponseBoundsTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private static final long MAX = 64 << 10;
    private final FakeTime time = new FakeTime(T0);
    private final TimeWindow hour = new TimeWindow(T0.minus(Duration.ofHours(1)), T0);
    private final TestClients.RecordingListener listener = new TestClients.RecordingListener();

    private KoreClient client(URI baseUrl, Duration timeout) {
        var kore = TestConfig.builder().set("kore.base-url", baseUrl).set("kore.timeout", timeout)
                .set("kore.rate-limit.per-minute", 10_000).set("kore.rate-limit.per-hour", 1_000_000)
                .set("kore.messages-api", MessagesApi.AUTO).set("kore.max-response-size", MAX).kore();
        return KoreClient.builder(kore, TestClients.bot(TestClients.SECRET), time).listener(listener).sleeper(time)
                .jitter(() -> 0.5).build();
    }

    private static List<String> ids(Iterable<Page<Message>> pages) {
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> p.records().forEach(m -> ids.add(m.id())));
        return ids;
    }

    @Test
    void aTooLargePageIsAskedForAgainWithHalfTheLimitAndTheListingGoesOnWithIt() {
        // 1,000 messages of ~130 bytes: a page over 64 KiB until the limit is down to 312.
        try (var fake = new FakeKore(time, r -> {
            int skip = r.body().get("skip").asInt();
            int n = Math.min(r.body().get("limit").asInt(), 1000 - skip);
            return Reply.ok(FakeKore.messagesPage(skip, n, skip + n < 1000));
        }); var client = client(fake.baseUrl(), Duration.ofSeconds(5))) {
            assertEquals(IntStream.range(0, 1000).mapToObj(i -> "ms-" + i).toList(),
                    ids(client.pages(Listing.MESSAGES_V2, Query.of(hour, "korevg"))));

            // Expected: halve from 10,000 while a page of that many is over the bound, then page at that size.
            List<Integer> limits = new ArrayList<>();
            List<String> codes = new ArrayList<>();
            int limit = 10_000;
            while (FakeKore.messagesPage(0, Math.min(limit, 1000), true).length() > MAX) {
                limits.add(limit);
                codes.add("error");
                limit = Math.max(100, limit / 2);
            }
            assertTrue(limits.size() >= 3 && limit > 100, "the fixture must need several halvings: " + limits);
            List<Integer> skips = new ArrayList<>(limits.stream().map(l -> 0).toList());
            for (int skip = 0; skip < 1000; skip += limit) {
                limits.add(limit);
                skips.add(skip);
                codes.add("200");
            }
            assertEquals(limits, fake.requests.stream().map(r -> r.body().get("limit").asInt()).toList());
            assertEquals(skips, fake.requests.stream().map(r -> r.body().get("skip").asInt()).toList());
            assertEquals(codes, listener.events.stream().map(e -> e.substring(e.indexOf(' ') + 1)).toList());
        }
    }

    @Test
    void aPageStillTooLargeAtOneHundredFailsTheReadAfterThePagesBefore() {
        // The first page is small; from skip 50 on, 100 records are ~200 KiB: over the bound at any limit.
        String padding = "x".repeat(2000);
        try (var fake = new FakeKore(time, r -> {
            int skip = r.body().get("skip").asInt();
            if (skip == 0) {
                return Reply.ok(FakeKore.messagesPage(0, 50, true));
            }
            int limit = r.body().get("limit").asInt();
            return Reply.ok(FakeKore.messagesPage(skip, Math.min(limit, 500), true)
                    .replace("\"type\":\"incoming\"", "\"type\":\"incoming\",\"pad\":\"" + padding + "\""));
        }); var client = client(fake.baseUrl(), Duration.ofSeconds(5))) {
            Iterator<Page<Message>> it = client.pages(Listing.MESSAGES_V1, Query.of(hour, "korevg")).iterator();
            assertEquals(50, it.next().records().size());

            KoreApiException e = assertThrows(KoreApiException.class, it::hasNext);

            assertInstanceOf(KoreApiException.TooLarge.class, e);
            assertEquals("getMessages: response body larger than kore.max-response-size (65536 bytes)", e.getMessage());
            assertEquals(List.of(100, 100), fake.requests.stream().map(r -> r.body().get("limit").asInt()).toList());
            assertEquals(List.of("getMessages 200", "getMessages error"), listener.events);
        }
    }

    @Test
    void aGzipBombIsCutOffAtTheBoundAndFailsTheRequest() throws IOException {
        // 64 MiB of zeros gzip to ~64 KiB: cut off at every size asked, 1,000 down to 100, then the read fails.
        byte[] bomb = gzipZeros(64 << 20);
        assertTrue(bomb.length < MAX * 2, "bomb is " + bomb.length + " bytes");
        try (var fake = new FakeKore(time, r -> new Reply(200,
                Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"), bomb));
             var client = client(fake.baseUrl(), Duration.ofSeconds(5))) {
            KoreApiException e = assertThrows(KoreApiException.class,
                    () -> ids2(client.pages(Listing.SESSIONS, Query.of(hour))));

            assertInstanceOf(KoreApiException.TooLarge.class, e);
            assertEquals(List.of("getSessions error", "getSessions error", "getSessions error", "getSessions error",
                    "getSessions error"), listener.events);
            assertEquals(List.of(1_000, 500, 250, 125, 100),
                    fake.requests.stream().map(r -> r.body().get("limit").asInt()).toList());
        }
    }

    @Test
    void aBodyTrickledByteByByteIsCutOffWithinTheTimeoutPlusASecond() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (var trickle = new TrickleServer(); var client = client(trickle.baseUrl(), timeout)) {
            KoreApiException e = assertThrows(KoreApiException.class,
                    () -> ids(client.pages(Listing.MESSAGES_V2, Query.of(hour, "korevg"))));

            assertInstanceOf(KoreApiException.TimedOut.class, e);
            assertTrue(e.getMessage().startsWith("getMessagesV2: no whole answer within kore.timeout"), e.getMessage());
            // Three timeouts in a row, each at half the page size, each cut off; then the read fails for the cycle
            // (README "How it reads Kore.ai"). The deadline also covers connecting (and, the first time, class
            // loading), so a connection may be held a little less.
            assertEquals(List.of("getMessagesV2 error", "getMessagesV2 error", "getMessagesV2 error"), listener.events);
            // The server notices the last close up to 100 ms later.
            await().atMost(Duration.ofSeconds(5)).until(() -> trickle.connections.size() == 3);
            for (Duration held : trickle.connections) {
                assertTrue(held.compareTo(timeout.plusSeconds(1)) <= 0, "a connection was held " + held.toMillis() + " ms");
            }
            assertTrue(trickle.connections.stream().anyMatch(d -> d.compareTo(timeout.multipliedBy(3).dividedBy(4)) >= 0),
                    "the trickle never got going: " + trickle.connections);
        }
    }

    private static void ids2(Iterable<? extends Page<?>> pages) {
        pages.forEach(p -> { });
    }

    static byte[] gzipZeros(int n) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < n; i += zeros.length) {
                gz.write(zeros, 0, Math.min(zeros.length, n - i));
            }
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /**
     * Answers every request with headers announcing a 60 kB body, then one byte every 100 ms: each read
     * returns well within a socket read timeout, so only a whole-request deadline ends it. Records how long
     * each connection stayed open until the client gave up (or 15 s).
     */
    static final class TrickleServer implements AutoCloseable {
        final List<Duration> connections = new CopyOnWriteArrayList<>();
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread acceptor = Thread.ofPlatform().daemon().start(this::accept);

        TrickleServer() throws IOException {
        }

        URI baseUrl() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            long start = System.nanoTime();
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                readRequest(in);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
                        + "{\"moreAvailable\":false,\"messages\":[").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (System.nanoTime() - start < Duration.ofSeconds(15).toNanos()) {
                    // A closed peer shows as a read of -1 sooner than as a failed write.
                    s.setSoTimeout(100);
                    try {
                        if (in.read() < 0) {
                            break;
                        }
                    } catch (SocketTimeoutException ignored) {
                        // nothing from the client: as expected
                    }
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException e) {
                // the client closed the connection
            }
            connections.add(Duration.ofNanos(System.nanoTime() - start));
        }

        private static void readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("request cut short");
                }
                head.append((char) c);
            }
            String lower = head.toString().toLowerCase();
            int at = lower.indexOf("content-length:");
            int length = at < 0 ? 0 : Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).strip());
            in.readNBytes(length);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
