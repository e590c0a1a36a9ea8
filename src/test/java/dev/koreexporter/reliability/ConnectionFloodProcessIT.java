package dev.koreexporter.reliability;

import com.sun.management.UnixOperatingSystemMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar in demo mode with the launcher's JVM flags (the Dockerfile's {@code KORE_JVM_FLAGS}: {@code
 * -Xmx64m} ...) under thousands of half-open connections: three in four send part of a request's headers and
 * never the rest, one in four asks for {@code /metrics} and never reads the answer. Meanwhile a well-behaved
 * client scrapes {@code /metrics} and probes {@code /health/live} and {@code /health/ready} twice a second: each
 * must answer within 5 s, and the process must live, then stop on SIGTERM with exit code 0 (README "Reliability
 * and security"). 0.3.0 exited 3 (out of memory) after ~4,400 such connections.
 */
class ConnectionFloodProcessIT {
    private static final Path JAR = Path.of("target/kore-exporter.jar");
    private static final int FLOOD = 4_000;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
    private final List<Socket> flood = Collections.synchronizedList(new ArrayList<>());
    private Process exporter;

    @TempDir
    Path tmp;

    @AfterEach
    void stop() throws IOException {
        synchronized (flood) {
            for (Socket s : flood) {
                s.close();
            }
        }
        if (exporter != null) {
            exporter.destroyForcibly();
        }
    }

    @Test
    void thousandsOfHalfOpenConnectionsNeitherEndTheProcessNorHoldUpAScrape() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build it with `mvn package` (mvn verify does) first");
        long fds = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        assertTrue(fds > FLOOD + 1_000, "this test holds " + FLOOD + " sockets open: raise `ulimit -n` (" + fds + ")");
        int port = freePort();
        Path log = tmp.resolve("exporter.log");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(LauncherFlags.read());
        cmd.addAll(List.of("-jar", JAR.toString(), "--demo"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SERVER_PORT", String.valueOf(port));
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        exporter = pb.start();
        HttpClient warmUp = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> warmUp.send(request(port, "/health/ready"),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        warmUp.close();

        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Long> answeredMs = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> probes = CompletableFuture.runAsync(() -> probe(port, flooding, answeredMs));
        long started = System.nanoTime();
        int opened = 0;
        for (int i = 0; i < FLOOD && exporter.isAlive(); i++) {
            try {
                flood.add(halfOpen(port, i % 4 == 3));
                opened++;
            } catch (IOException e) {
                // a connection refused or reset under load: the flood goes on
            }
        }
        double floodSeconds = (System.nanoTime() - started) / 1e9;
        // The flood's connections stay open (from the client's side) while the probes go on a little longer.
        await().pollDelay(Duration.ofSeconds(4)).until(() -> true);
        flooding.set(false);
        probes.get(60, TimeUnit.SECONDS);

        String output = Files.readString(log);
        assertTrue(exporter.isAlive(), "the exporter exited " + (exporter.isAlive() ? "" : exporter.exitValue())
                + " under the flood:\n" + tail(output));
        long[] ms = answeredMs.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("flood: %d half-open connections in %.1f s; %d probes answered, max %d ms, median %d ms;"
                        + " exporter peak RSS %d MiB%n", opened, floodSeconds, ms.length, ms[ms.length - 1],
                ms[ms.length / 2], peakRss(exporter.pid()) >> 20);
        assertTrue(opened >= FLOOD * 9 / 10, "opened " + opened);
        assertTrue(ms.length >= paths().length * 2, "probes: " + Arrays.toString(ms));
        String metrics = HttpClient.newHttpClient().send(request(port, "/metrics"), HttpResponse.BodyHandlers.ofString()).body();
        Matcher evicted = Pattern.compile("kore_exporter_http_connections_closed_total\\{reason=\"evicted\"} (\\S+)")
                .matcher(metrics);
        assertTrue(evicted.find() && Double.parseDouble(evicted.group(1)) > opened - 200, metrics.lines()
                .filter(l -> l.contains("connections_closed")).toList().toString());

        exporter.destroy();
        assertTrue(exporter.waitFor(10, TimeUnit.SECONDS), "exited within 10 s of SIGTERM");
        assertEquals(0, exporter.exitValue(), tail(Files.readString(log)));
    }

    /** Scrapes and health probes, each on a new connection, twice a second until the flood ends; all within 5 s. */
    private static void probe(int port, AtomicBoolean flooding, List<Long> answeredMs) {
        String[] paths = paths();
        for (int i = 0; flooding.get(); i++) {
            String path = paths[i % paths.length];
            long t = System.nanoTime();
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build()) {
                HttpResponse<byte[]> r = http.send(request(port, path), HttpResponse.BodyHandlers.ofByteArray());
                long ms = (System.nanoTime() - t) / 1_000_000;
                if (r.statusCode() != 200 || r.body().length == 0) {
                    throw new AssertionError(path + " answered " + r.statusCode() + " after " + ms + " ms");
                }
                answeredMs.add(ms);
            } catch (IOException e) {
                throw new AssertionError(path + " not answered within " + ANSWER_WITHIN + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        }
    }

    private static String[] paths() {
        return new String[] {"/metrics", "/health/live", "/health/ready"};
    }

    /** Part of a request's headers, never the rest; or a whole /metrics request whose answer is never read. */
    private static Socket halfOpen(int port, boolean neverReads) throws IOException {
        Socket s = new Socket();
        try {
            if (neverReads) {
                s.setReceiveBufferSize(1024);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            String request = neverReads ? "GET /metrics HTTP/1.1\r\nHost: flood\r\n\r\n" : "GET /metrics HTTP/1.1\r\nHost: fl";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(ANSWER_WITHIN).build();
    }

    private static long peakRss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) << 10;
            }
        }
        return -1;
    }

    private static String tail(String output) {
        return output.length() > 4_000 ? output.substring(output.length() - 4_000) : output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
