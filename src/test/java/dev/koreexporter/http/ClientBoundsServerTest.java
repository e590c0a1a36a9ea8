package dev.koreexporter.http;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.security.TestCertificates;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard on a real Helidon server and real sockets (README "Reliability and security"), with bounds shortened
 * so that each deadline is seen within a second or two: partial headers cut off, kept-alive connections left
 * until their idle timeout, an unread response abandoned, a full server still answering a well-behaved client,
 * and failed TLS handshakes never using up the cap (Helidon 4.4.0's own cap loses a slot to each).
 */
class ClientBoundsServerTest {
    private static final byte[] BIG = new byte[16 << 20];
    private final List<Socket> sockets = new ArrayList<>();
    private ConnectionGuard guard;
    private WebServer server;

    @TempDir
    Path tmp;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.stop();
        }
        if (guard != null) {
            guard.close();
        }
    }

    private void start(ClientBounds bounds) {
        start(bounds, b -> {
        });
    }

    private void start(ClientBounds bounds, Consumer<WebServerConfig.Builder> more) {
        guard = new ConnectionGuard(bounds);
        WebServerConfig.Builder builder = guard.configure(WebServer.builder().useNio(false), SocketOptions.create())
                .host("127.0.0.1").port(0)
                .routing(r -> r.get("/ok", (req, res) -> res.send("ok"))
                        .get("/big", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
                            try (OutputStream out = res.outputStream()) {
                                out.write(BIG);
                            }
                        }));
        more.accept(builder);
        server = builder.build().start();
    }

    private static ClientBounds bounds(int max, long headerMs, long idleMs, long writeMs) {
        return new ClientBounds(max, Duration.ofMillis(headerMs), Duration.ofMillis(idleMs), Duration.ofMillis(writeMs),
                Duration.ofMillis(200));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Reads until the server closes; -1 for a clean close, the bytes read otherwise too (a reset ends it). */
    private static long readToEnd(Socket s) throws IOException {
        long n = 0;
        byte[] buf = new byte[64 << 10];
        try {
            for (int r; (r = s.getInputStream().read(buf)) >= 0; ) {
                n += r;
            }
        } catch (SocketException reset) {
            // the server closed with unread data: a reset
        }
        return n;
    }

    @Test
    void partialHeadersAreCutOffAtTheHeaderTimeout() throws Exception {
        start(bounds(10, 500, 60_000, 30_000));
        Socket s = connect();
        long started = System.nanoTime();
        send(s, "GET /ok HTTP/1.1\r\nHost: x\r\n");
        s.setSoTimeout(10_000);
        assertEquals(0, readToEnd(s));
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms >= 450 && ms < 2_000, "closed after " + ms + " ms");
        assertEquals(1, guard.closed(ConnectionGuard.Reason.HEADER_TIMEOUT));
    }

    @Test
    void aKeptAliveConnectionOutlivesTheHeaderTimeoutUntilItIsIdleTooLong() throws Exception {
        start(bounds(10, 1_000, 3_000, 30_000));
        Socket s = connect();
        send(s, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        InputStream in = s.getInputStream();
        String head = readResponseHead(in);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        assertEquals("ok", new String(in.readNBytes(2), StandardCharsets.US_ASCII));
        long answered = System.nanoTime();

        // Twice the header timeout later the connection is still open: waiting for a next request is idling.
        s.setSoTimeout(2_000);
        assertThrows(SocketTimeoutException.class, in::read);
        s.setSoTimeout(10_000);
        assertEquals(-1, in.read());
        long ms = (System.nanoTime() - answered) / 1_000_000;
        // Helidon's idle clock ticks once a second (idle-connection-timeout's documentation): up to 1 s early.
        assertTrue(ms >= 2_000 && ms < 8_000, "idle connection closed after " + ms + " ms");
        assertEquals(0, guard.closed(ConnectionGuard.Reason.HEADER_TIMEOUT));
    }

    @Test
    void aResponseTheClientDoesNotReadIsAbandonedAtTheWriteTimeout() throws Exception {
        start(bounds(10, 10_000, 60_000, 800));
        Socket s = new Socket();
        sockets.add(s);
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        long started = System.nanoTime();
        send(s, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> guard.closed(ConnectionGuard.Reason.WRITE_TIMEOUT) == 1);
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms >= 800 && ms < 3_000, "abandoned after " + ms + " ms");
        s.setSoTimeout(10_000);
        long got = readToEnd(s);
        assertTrue(got < BIG.length, "the client got " + got + " bytes of " + BIG.length);
    }

    @Test
    void aFullServerClosesTheLongestWaitingConnectionsAndAnswersAWellBehavedClient() throws Exception {
        start(ClientBounds.of(4));
        for (int i = 0; i < 10; i++) {
            send(connect(), "GET /ok HTTP/1.1\r\nHost: x\r\n");
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            long started = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/ok")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertEquals("ok", r.body());
            assertTrue(ms < 1_000, "answered in " + ms + " ms");
        }
        // Ten half-open connections and one client, four slots: the seven oldest waits were closed.
        assertEquals(7, guard.closed(ConnectionGuard.Reason.EVICTED));
        assertTrue(guard.openConnections() <= 4, "open: " + guard.openConnections());
        // The oldest ones are the ones gone.
        sockets.getFirst().setSoTimeout(2_000);
        assertEquals(0, readToEnd(sockets.getFirst()));
    }

    @Test
    void silentOrFailedTlsHandshakesNeverUseUpTheCap() throws Exception {
        TestCertificates certs = TestCertificates.generate(tmp, "localhost");
        // A header deadline long enough for a first TLS handshake on a busy machine, which it includes.
        start(bounds(2, 2_000, 60_000, 30_000),
                b -> b.tls(ServerTls.of(new ExporterConfig.Tls(certs.certFile(), certs.keyFile()))));
        // A client that never starts its handshake is held to the header deadline too.
        Socket silent = connect();
        silent.setSoTimeout(10_000);
        long started = System.nanoTime();
        assertEquals(0, readToEnd(silent));
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms >= 1_950 && ms < 4_000, "closed after " + ms + " ms");
        for (int i = 0; i < 5; i++) {
            try (Socket plain = new Socket("127.0.0.1", server.port())) {
                send(plain, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
                plain.setSoTimeout(5_000);
                readToEnd(plain);
            }
        }
        // Helidon's own cap (max-tcp-connections 2) accepts nothing more after two of them.
        try (HttpClient https = HttpClient.newBuilder().sslContext(certs.trustingContext())
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                    + "/ok")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("ok", r.body());
        }
    }

    private static String readResponseHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
