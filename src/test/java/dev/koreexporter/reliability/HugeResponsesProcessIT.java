package dev.koreexporter.reliability;

import dev.koreexporter.testing.MetricsText;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar with {@code -Xmx64m} and the default {@code kore.max-response-size} (32 MiB) against a fake
 * Kore.ai whose getMessagesV2 answers a gzip bomb (5 MB of gzip that inflates to 5 GiB of zeros) or a 200 MB
 * plain page: every attempt fails with {@code code="error"}, the page size halves down to 100 and the process
 * stays alive and serving (it would exit on an OutOfMemoryError). Prints the peak RSS ({@code VmHWM}).
 */
class HugeResponsesProcessIT {
    private static final Path JAR = Path.of("target/kore-exporter.jar");
    /** 10,000 halved down to 100: 10000, 5000, 2500, 1250, 625, 312, 156, 100. */
    private static final int ATTEMPTS_PER_READ = 8;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();
    private WebServer fake;

    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        if (fake != null) {
            fake.stop();
        }
        http.close();
    }

    @Test
    void aGzipBombIsCutOffWithoutInflatingIt() throws Exception {
        byte[] bomb = gzipBomb();
        assertTrue(bomb.length > 4_000_000 && bomb.length < 6_000_000, "bomb of " + bomb.length + " bytes");
        long rss = survive("gzip-bomb", out -> out.write(bomb), true);
        System.out.println("gzip bomb (" + bomb.length + " B of gzip, 5 GiB inflated): peak RSS " + (rss >> 10) + " KiB");
    }

    @Test
    void aHugePlainPageIsNeverReadWhole() throws Exception {
        byte[] message = ("{\"_id\":\"ms-x\",\"sessionId\":\"s1\",\"type\":\"incoming\",\"createdOn\":"
                + "\"2026-11-21T18:00:00.000Z\"},").getBytes(StandardCharsets.UTF_8);
        AtomicLong written = new AtomicLong();
        long rss = survive("huge-page", out -> {
            out.write("{\"moreAvailable\":false,\"messages\":[".getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[message.length * 1000];
            for (int i = 0; i < 1000; i++) {
                System.arraycopy(message, 0, block, i * message.length, message.length);
            }
            for (long n = 0; n < 200_000_000L; n += block.length) {
                out.write(block);
                written.addAndGet(block.length);
            }
        }, false);
        System.out.println("200 MB plain page: peak RSS " + (rss >> 10) + " KiB");
    }

    @FunctionalInterface
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Runs the exporter against a fake whose getMessagesV2 writes {@code body}; returns the peak RSS in bytes. */
    private long survive(String name, Body body, boolean gzip) throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build it with `mvn package` (mvn verify does) first");
        // Blocking sockets, as the exporter's own server: Helidon 4.4.0's NIO sockets stall on bodies over
        // ~1 MB (helidon#11340), which held the 5 MB bomb back until kore.timeout on every attempt.
        fake = WebServer.builder().port(0).host("127.0.0.1").useNio(false).routing(r -> r.any((req, res) -> {
            req.content().consume();
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            if (!req.path().path().endsWith("/getMessagesV2")) {
                res.send("{\"total\":0,\"moreAvailable\":false,\"sessions\":[]}");
                return;
            }
            if (gzip) {
                res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            }
            try (OutputStream out = res.outputStream()) {
                body.write(out);
            } catch (IOException | RuntimeException e) {
                // the exporter hung up once it had read enough: expected
            }
        })).build().start();
        int port = freePort();
        Path config = Files.writeString(tmp.resolve("config.yaml"), """
                server:
                  port: %d
                  host: 127.0.0.1
                kore:
                  base-url: http://127.0.0.1:%d
                  timeout: 30s
                poll:
                  interval: 1s
                  backfill: 1h
                state:
                  dir: %s
                bots:
                  - name: billing-voice
                    id: st-1
                    client-id: cs-1
                    client-secret: demo-secret-0123456789abcdef0123456789abcdef
                    channels: [korevg]
                """.formatted(port, fake.port(), tmp.resolve("state")));
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = tmp.resolve(name + ".log");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-jar", JAR.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        String errors = "kore_exporter_api_requests_total{bot=\"billing-voice\",code=\"error\",endpoint=\"getMessagesV2\"}";
        // Two whole reads of the stream (two cycles), each halving down to 100.
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                    scrape(port).sum("kore_exporter_api_requests_total", "endpoint", "getMessagesV2", "code", "error")
                            >= 2 * ATTEMPTS_PER_READ);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("alive: " + p.isAlive() + ", log:\n" + Files.readString(log), e);
        }
        MetricsText m = scrape(port);
        assertTrue(p.isAlive());
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(0.0, m.sum("kore_exporter_up", "bot", "billing-voice"), errors);
        assertEquals(0.0, m.sum("kore_exporter_api_requests_total", "endpoint", "getMessagesV2", "code", "200"));
        assertEquals(0.0, m.sum("kore_messages_total"));
        String output = Files.readString(log);
        assertFalse(output.contains("OutOfMemoryError"), output);
        return peakRss(p.pid());
    }

    private MetricsText scrape(int port) throws Exception {
        return MetricsText.parse(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** VmHWM of /proc: the process's peak resident set. */
    private static long peakRss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) << 10;
            }
        }
        throw new IllegalStateException("no VmHWM for " + pid);
    }

    /** ~5 MB of gzip: 50 members of 100 MiB of zeros each, back to back (a valid multi-member gzip stream). */
    private static byte[] gzipBomb() throws IOException {
        var one = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(one)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                gz.write(zeros);
            }
        }
        var all = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            one.writeTo(all);
        }
        return all.toByteArray();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
