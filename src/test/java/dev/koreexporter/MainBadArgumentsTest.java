package dev.koreexporter;

import io.helidon.logging.common.LogConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad command lines exit 2 naming the problem, and start nothing: the port the daemon would have used is
 * still free afterwards. Lives beside {@link Main} because {@code Main.run} is package-private.
 */
class MainBadArgumentsTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            --config c.yml --frobnicate              | unknown argument "--frobnicate"
            --config c.yml --client-secret=HUSH123   | unknown argument "--client-secret"
            --config                                 | --config: needs a value
            --demo --check-config                    | --check-config: cannot be combined with --demo
            --demo --demo                            | --demo: given more than once
            --demo --shard 3/2                       | --shard: needs 0 <= INDEX < COUNT
            --demo extra                             | unexpected argument "extra"
            --check-config                           | --check-config: needs --config FILE
            rules                                    | rules: needs --config FILE
            rules --config c.yml --frob=HUSH123      | rules: unknown argument "--frob"
            rules --config a.yml --config b.yml      | --config: given more than once
            --config c.yml rules                     | unexpected argument "rules" (rules must come first)
            doctor                                   | doctor: needs --config FILE
            doctor --config c.yml --format xml       | --format: expected text or json, got "xml"
            doctor --config c.yml --secret=HUSH123   | doctor: unknown argument "--secret"
            doctor --config a.yml --config b.yml     | --config: given more than once
            doctor --config does-not-exist.yml       | does-not-exist.yml
            """)
    void exit2NamingTheProblemAndNothingStarts(String args, String problem) throws IOException {
        int port = freePort();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args.trim().split("\\s+"), Map.of("SERVER_PORT", Integer.toString(port)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, stderr);
        assertTrue(stderr.contains(problem), stderr);
        assertFalse(stderr.contains("HUSH123"), "an argument's value is never echoed: " + stderr);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        // Nothing listens where the daemon would have: binding the port still works.
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            assertEquals(port, s.getLocalPort());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            rules --config           | invalid configuration
            --check-config --config  | config invalid
            --config                 | invalid configuration
            """)
    void aCustomSloThresholdThatIsNotABucketBoundIsExit2NamingTheKey(String command, String header, @TempDir Path dir)
            throws IOException {
        Path config = dir.resolve("kore.yml");
        Files.writeString(config, """
                server:
                  port: 0
                state:
                  dir: %s
                metrics:
                  buckets:
                    kore_asr_latency_seconds: [0.25, 0.5, 1, 2]
                slo:
                  - name: asr-fast
                    metric: kore_asr_latency_seconds
                    threshold: 0.75
                    objective: 0.99
                bots:
                  - name: b
                    id: st-1
                    client-id: cs-1
                    client-secret: HUSH123
                """.formatted(dir.resolve("state")));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        String[] args = (command + " " + config).split(" ");
        int code = Main.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, stderr);
        assertTrue(stderr.contains(header), stderr);
        assertTrue(stderr.contains("slo[0].threshold: must be one of the bucket bounds of kore_asr_latency_seconds"
                + " (metrics.buckets or the defaults): [0.25, 0.5, 1, 2], got 0.75"), stderr);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "no rules for an invalid config");
        assertFalse(stderr.contains("HUSH123"), stderr);
        assertFalse(Files.exists(dir.resolve("state")), "the daemon started nothing");
    }

    @Test
    void aMissingConfigFileIsExit2NamingIt() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"--config", "/nonexistent/kore.yml"}, Map.of(), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("/nonexistent/kore.yml"));
    }

    @Test
    void readableSecretsAreWarnedAtStartAndABadTlsKeyIsExit2(@TempDir Path dir) throws IOException {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "HUSH-client-secret-0123456789abcdef\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "not a certificate\n");
        Path config = dir.resolve("kore.yml");
        Files.writeString(config, """
                server:
                  port: 0
                  tls:
                    cert-file: %s
                    key-file: %s
                state:
                  dir: %s
                bots:
                  - name: b
                    id: st-1
                    client-id: cs-1
                    client-secret-file: %s
                    channels: [korevg]
                """.formatted(cert, key, dir.resolve("state"), secret));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        LogConfig.configureRuntime();
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger main = Logger.getLogger(Main.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    logged.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        main.addHandler(capture);
        var err = new ByteArrayOutputStream();
        int code;
        try {
            code = Main.run(new String[]{"--config", config.toString()}, Map.of(), System.out,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            main.removeHandler(capture);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, stderr);
        assertTrue(stderr.contains("server.tls: cannot load key-file \"" + key + "\""), stderr);
        assertTrue(logged.stream().anyMatch(w -> w.startsWith("config file \"" + config + "\" is readable by group")),
                logged.toString());
        assertTrue(logged.stream().anyMatch(w -> w.startsWith("bots[0].client-secret-file: \"" + secret + "\"")),
                logged.toString());
        assertTrue(logged.stream().anyMatch(w -> w.startsWith("server.tls.key-file: \"" + key + "\"")),
                logged.toString());
        assertTrue(logged.stream().allMatch(w -> w.contains("chmod 600")), logged.toString());
        assertFalse(String.join("\n", logged).contains("HUSH") || stderr.contains("HUSH"));
    }
}
