package dev.koreexporter.security;

import dev.koreexporter.simulator.SimulatorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the exporter answers to requests it was not built for. */
class ExporterBadInputIT {
    private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

    @TempDir
    static Path dir;
    static SimulatedDaemon d;

    @BeforeAll
    static void start() {
        d = new SimulatedDaemon(SimulatorOptions.DEMO_BOTS.subList(0, 1), SimulatorOptions.DEMO_BOTS.subList(0, 1),
                false, "", dir.resolve("state"));
    }

    @AfterAll
    static void stop() {
        if (d != null) {
            d.close();
        }
    }

    @Test
    void unknownPathsAre404() throws Exception {
        for (String path : new String[]{"/nope", "/metrics/extra", "/health/nope", "/health", "/index.html",
                "/%2e%2e/etc/passwd", "/metrics;jsessionid=1/x"}) {
            assertEquals(404, d.get(path, null).statusCode(), path);
        }
    }

    @Test
    void anAcceptItCannotServeGetsTheTextFormat() throws Exception {
        for (String accept : new String[]{"application/json", "text/html", "*/*", "garbage;;;==", null}) {
            HttpResponse<String> r = d.get("/metrics", accept);
            assertEquals(200, r.statusCode(), String.valueOf(accept));
            assertEquals(TEXT_004, r.headers().firstValue("Content-Type").orElse(null), String.valueOf(accept));
            assertTrue(r.body().contains("# TYPE kore_exporter_build_info gauge"), String.valueOf(accept));
            assertTrue(!r.body().contains("# EOF"), "no OpenMetrics terminator in the text format");
        }
    }

    @Test
    void openMetricsWhenAskedFor() throws Exception {
        HttpResponse<String> r = d.get("/metrics", "application/openmetrics-text; version=1.0.0");
        assertEquals(200, r.statusCode());
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8",
                r.headers().firstValue("Content-Type").orElse(null));
        assertTrue(r.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
    }

    @Test
    void otherMethodsAreNotServed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String method : new String[]{"POST", "PUT", "DELETE"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(d.url("/metrics"))
                    .method(method, HttpRequest.BodyPublishers.ofString("x=1")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() == 404 || r.statusCode() == 405, method + " " + r.statusCode());
        }
    }
}
