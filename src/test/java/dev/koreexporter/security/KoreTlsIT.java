package dev.koreexporter.security;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.http.ServerTls;
import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApiException;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Query;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.testing.TestConfig;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kore.ai client over TLS to a fake with a self-signed certificate: refused with the JVM's trust store
 * (no way to turn verification off), accepted with {@code kore.ca-bundle} naming the certificate.
 */
class KoreTlsIT {
    private static final String SECRET = "CANARYtls-secret-0123456789abcdef0123456789";
    private static final AtomicInteger ANSWERED = new AtomicInteger();

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static WebServer fake;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.generate(dir, "localhost");
        fake = WebServer.builder().host("127.0.0.1").port(0)
                .tls(ServerTls.of(new ExporterConfig.Tls(certs.certFile(), certs.keyFile())))
                .routing(r -> r.any((req, res) -> {
                    ANSWERED.incrementAndGet();
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send("{\"total\":0,\"moreAvailable\":false,\"sessions\":[]}");
                }))
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (fake != null) {
            fake.stop();
        }
    }

    private static KoreClient client(Path caBundle, List<String> codes) {
        var kore = TestConfig.builder().set("kore.base-url", URI.create("https://localhost:" + fake.port()))
                .set("kore.timeout", Duration.ofSeconds(5)).set("kore.rate-limit.per-minute", 1000)
                .set("kore.rate-limit.per-hour", 10_000).set("kore.ca-bundle", caBundle).kore();
        var bot = TestConfig.builder().bot("tls-bot", "st-tls", "cs-tls", SECRET)
                .set("bots[0].channels", List.of("korevg")).bot();
        return KoreClient.builder(kore, bot, Clock.systemUTC()).listener(new ApiRequestListener() {
            @Override
            public void requestCompleted(Endpoint endpoint, String code, Duration duration) {
                codes.add(code);
            }

            @Override
            public void throttled(Endpoint endpoint) {
            }
        }).build();
    }

    private static List<Session> read(KoreClient client) {
        Instant now = Instant.now();
        List<Session> all = new ArrayList<>();
        for (Page<Session> p : client.pages(Listing.SESSIONS, Query.of(new TimeWindow(now.minus(Duration.ofHours(1)), now)))) {
            all.addAll(p.records());
        }
        return all;
    }

    @Test
    void anUntrustedCertificateFailsClearlyAndAtOnce() {
        List<String> codes = new CopyOnWriteArrayList<>();
        int before = ANSWERED.get();
        try (KoreClient client = client(null, codes)) {
            KoreApiException e = assertThrows(KoreApiException.class, () -> read(client));
            assertEquals(Endpoint.GET_SESSIONS, e.endpoint());
            assertEquals(0, e.status());
            assertTrue(e.getMessage().contains("certificate"), e.getMessage());
            assertTrue(e.getMessage().contains("kore.ca-bundle"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET));
            assertFalse(e.getMessage().contains("eyJ"), "no JWT in " + e.getMessage());
            // A certificate does not fix itself in seconds: no retries.
            assertEquals(List.of("error"), codes);
        }
        assertEquals(before, ANSWERED.get(), "no request got through");
    }

    @Test
    void theCaBundleMakesItTrusted() {
        List<String> codes = new CopyOnWriteArrayList<>();
        try (KoreClient client = client(certs.certFile(), codes)) {
            assertEquals(List.of(), read(client));
        }
        assertEquals(List.of("200"), codes);
    }
}
