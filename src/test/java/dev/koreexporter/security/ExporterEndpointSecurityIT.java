package dev.koreexporter.security;

import dev.koreexporter.simulator.SimulatorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon with {@code server.tls} and {@code server.basic-auth}, scraped by a real HTTPS client that
 * trusts only the test's self-signed certificate.
 */
class ExporterEndpointSecurityIT {
    /** Made by libcrypt (Python's crypt, METHOD_BLOWFISH, cost 10): not by the library that checks it. */
    static final String PASSWORD = "scrape-pass-7Q";
    static final String HASH = "$2b$10$1pvJz2c4X09LLLzCC4QPb.cohagUK..nuC55nsRAGxcc9w.OjndGu";

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static SimulatedDaemon d;
    static HttpClient trusting;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.generate(dir, "localhost");
        String server = "  tls:\n    cert-file: " + certs.certFile() + "\n    key-file: " + certs.keyFile() + "\n"
                + "  basic-auth:\n    users:\n      prometheus: \"" + HASH + "\"\n";
        d = new SimulatedDaemon(SimulatorOptions.DEMO_BOTS.subList(0, 1), SimulatorOptions.DEMO_BOTS.subList(0, 1),
                false, server, dir.resolve("state"));
        d.useTls(certs.trustingContext(), null);
        trusting = HttpClient.newBuilder().sslContext(certs.trustingContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (d != null) {
            d.close();
        }
    }

    private static HttpResponse<String> get(String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + d.daemon.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return trusting.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsOpenWithoutCredentials() throws Exception {
        d.awaitReady();
        assertEquals(200, get("/health/live", null, null).statusCode());
        assertEquals(200, get("/health/ready", null, null).statusCode());
    }

    @Test
    void metricsAndLandingPageNeedTheRightPassword() throws Exception {
        for (String path : new String[]{"/metrics", "/"}) {
            HttpResponse<String> none = get(path, null, null);
            assertEquals(401, none.statusCode(), path);
            assertEquals("Basic realm=\"kore-exporter\", charset=\"UTF-8\"",
                    none.headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(401, get(path, "prometheus", PASSWORD + "x").statusCode(), path);
            assertEquals(401, get(path, "prometheus", "").statusCode(), path);
            assertEquals(401, get(path, "nobody", PASSWORD).statusCode(), path);
            assertEquals(200, get(path, "prometheus", PASSWORD).statusCode(), path);
        }
        assertTrue(get("/metrics", "prometheus", PASSWORD).body().contains("kore_exporter_build_info"));
        // After a success is cached, a wrong password still fails.
        assertEquals(401, get("/metrics", "prometheus", "wrong").statusCode());
    }

    @Test
    void malformedAuthorizationIsRefused() throws Exception {
        for (String header : new String[]{"Basic !!!notbase64", "Bearer abc", "Basic "
                + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))}) {
            HttpRequest r = HttpRequest.newBuilder(URI.create("https://localhost:" + d.daemon.port() + "/metrics"))
                    .header("Authorization", header).timeout(Duration.ofSeconds(10)).build();
            assertEquals(401, trusting.send(r, HttpResponse.BodyHandlers.ofString()).statusCode(), header);
        }
    }

    @Test
    void plainHttpIsNotServed() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.daemon.port() + "/health/live"))
                .timeout(Duration.ofSeconds(10)).build();
        assertThrows(IOException.class, () -> plain.send(r, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void theCertificateIsTheConfiguredOne() {
        // The JVM's default trust store does not know the self-signed certificate: the server really uses it.
        HttpClient defaults = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest r = HttpRequest.newBuilder(URI.create("https://localhost:" + d.daemon.port() + "/health/live"))
                .timeout(Duration.ofSeconds(10)).build();
        assertThrows(SSLHandshakeException.class, () -> defaults.send(r, HttpResponse.BodyHandlers.ofString()));
    }
}
