package dev.koreexporter.reliability;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit codes and signals of the real jar (README "Quick start"): SIGHUP is logged and ignored (the JVM's default
 * exits 129), SIGTERM still exits 0; running out of memory exits 3, whether the JVM's ExitOnOutOfMemoryError
 * (every launcher's) ends it or the exporter's own handler does. The memory runs out on a hostile Kore.ai answer:
 * one HTTP chunk announced as 2 GiB and streamed on, which Helidon's client reads whole into memory.
 */
class ExitCodesProcessIT {
    private static final Path JAR = Path.of("target/kore-exporter.jar");
    private final List<Process> processes = new ArrayList<>();
    private ServerSocket hostile;

    @TempDir
    Path tmp;

    @AfterEach
    void stop() throws IOException {
        processes.forEach(Process::destroyForcibly);
        if (hostile != null) {
            hostile.close();
        }
    }

    @Test
    void sighupIsLoggedAndIgnoredAndSigtermStillExitsZero() throws Exception {
        int port = freePort();
        Path log = tmp.resolve("demo.log");
        List<String> cmd = new ArrayList<>(LauncherFlags.read());
        cmd.addAll(List.of("-jar", JAR.toString(), "--demo"));
        Process p = start(cmd, log, Map.of("SERVER_PORT", String.valueOf(port)));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
                .timeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> http.send(live, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

        assertEquals(0, new ProcessBuilder("kill", "-HUP", String.valueOf(p.pid())).start().waitFor());
        await().atMost(Duration.ofSeconds(10)).until(() -> !p.isAlive() || Files.readString(log).contains("SIGHUP ignored"));
        assertTrue(p.isAlive(), "exited " + (p.isAlive() ? "" : p.exitValue()) + " on SIGHUP:\n" + Files.readString(log));
        assertEquals(200, http.send(live, HttpResponse.BodyHandlers.discarding()).statusCode());
        http.close();

        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exited within 10 s of SIGTERM");
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    @Test
    void runningOutOfMemoryExitsThreeWithOrWithoutTheJvmFlag() throws Exception {
        startHostileKore();
        List<String> withFlag = new ArrayList<>(LauncherFlags.read());
        List<String> withoutFlag = withFlag.stream().filter(f -> !f.equals("-XX:+ExitOnOutOfMemoryError")).toList();
        for (List<String> flags : List.of(withFlag, withoutFlag)) {
            Path log = tmp.resolve("oom-" + flags.size() + ".log");
            List<String> cmd = new ArrayList<>(flags);
            cmd.addAll(List.of("-jar", JAR.toString(), "--config", config().toString()));
            Process p = start(cmd, log, Map.of());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ran out of memory within 60 s: " + flags);
            String output = Files.readString(log);
            assertTrue(output.contains("OutOfMemoryError"), output);
            assertEquals(3, p.exitValue(), flags + "\n" + output);
        }
    }

    /** A Kore.ai answering every request with one chunk announced as ~2 GiB, then streaming it. */
    private void startHostileKore() throws IOException {
        hostile = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!hostile.isClosed()) {
                try {
                    Socket s = hostile.accept();
                    Thread.ofVirtual().start(() -> answer(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void answer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int matched = 0, b; matched < end.length; ) {
                if ((b = in.read()) < 0) {
                    return;
                }
                matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            }
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "7ffffff0\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[1 << 16];
            Arrays.fill(block, (byte) ' ');
            for (long sent = 0; sent < 1L << 30; sent += block.length) {
                out.write(block);
            }
        } catch (IOException e) {
            // the exporter is gone
        }
    }

    private Path config() throws IOException {
        return Files.writeString(tmp.resolve("config.yaml"), """
                server:
                  port: %d
                  host: 127.0.0.1
                kore:
                  base-url: http://127.0.0.1:%d
                poll:
                  interval: 1s
                state:
                  dir: %s
                bots:
                  - name: billing-voice
                    id: st-1
                    client-id: cs-1
                    client-secret: demo-secret-0123456789abcdef0123456789abcdef
                """.formatted(freePort(), hostile.getLocalPort(), tmp.resolve("state")));
    }

    private Process start(List<String> jvmAndArgs, Path log, Map<String, String> env) throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build it with `mvn package` (mvn verify does) first");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(jvmAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("OTEL_TRACES_EXPORTER", "none");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
