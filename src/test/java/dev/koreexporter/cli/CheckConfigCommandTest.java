package dev.koreexporter.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class CheckConfigCommandTest {
    static final String SECRET = "SUPER-SECRET-4711";

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void validConfigExitsZeroAndNamesTheBots() throws IOException {
        Path config = config("""
                bots:
                  - {name: billing-voice, id: st-1, client-id: cs-1, client-secret: "${SECRET}"}
                  - {name: sales-voice, id: st-2, client-id: cs-2, client-secret: "%s"}
                """.formatted(SECRET), "rw-------");

        int code = run(config, Map.of("SECRET", SECRET));

        assertEquals(0, code);
        assertEquals("config OK: " + config + ": 2 bot(s): billing-voice, sales-voice\n", text(out));
        assertEquals("", text(err));
    }

    @Test
    void warningsArePrintedButTheConfigIsStillValid() throws IOException {
        Path config = config("bots: [{name: b, id: st, client-id: cs, client-secret: \"%s\"}]\n"
                .formatted(SECRET), "rw-r--r--");

        assertEquals(0, run(config, Map.of()));
        assertEquals("config OK: " + config + ": 1 bot(s): b\n", text(out));
        assertEquals("warning: config file \"" + config + "\" is readable by group or others (rw-r--r--),"
                + " consider chmod 600\n", text(err));
        assertFalse(text(err).contains(SECRET));
    }

    @Test
    void invalidConfigExitsTwoAndListsEveryProblem() throws IOException {
        Path config = config("""
                server: {port: 70000}
                bots:
                  - {name: b, client-id: cs, client-secret: "%s", colour: blue}
                """.formatted(SECRET), "rw-------");

        int code = run(config, Map.of("POLL_INTERVAL", "5x"));

        assertEquals(2, code);
        assertEquals("", text(out));
        assertEquals("""
                config invalid: %s: 4 problem(s)
                  server.port: must be between 0 and 65535, got 70000
                  poll.interval: invalid duration "5x" (use 500ms, 30s, 5m, 1h, 7d or ISO-8601 such as PT30S) (from env var POLL_INTERVAL)
                  bots[0].colour: unknown key (expected one of: name, id, client-id, client-secret, client-secret-file, account-id, channels)
                  bots[0].id: required
                """.formatted(config), text(err));
        assertFalse(text(err).contains(SECRET));
    }

    @Test
    void missingFileExitsTwo() {
        Path missing = tmp.resolve("missing.yml");
        assertEquals(2, run(missing, Map.of()));
        assertEquals("config invalid: " + missing + ": 1 problem(s)\n  cannot read \"" + missing
                + "\": no such file\n", text(err));
    }

    private int run(Path config, Map<String, String> env) {
        return CheckConfigCommand.run(config, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path config(String yaml, String mode) throws IOException {
        Path file = Files.writeString(tmp.resolve("config.yml"), yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static String text(ByteArrayOutputStream s) {
        return s.toString(StandardCharsets.UTF_8);
    }
}
