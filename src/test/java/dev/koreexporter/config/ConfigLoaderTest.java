package dev.koreexporter.config;

import dev.koreexporter.config.ExporterConfig.Bot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    /** Recognisable, so a leak shows up in any string. */
    static final String SECRET = "SUPER-SECRET-4711";
    static final String BCRYPT = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    static final String MINIMAL = """
            bots:
              - name: billing-voice
                id: st-1
                client-id: cs-1
                client-secret: %s
            """.formatted(SECRET);

    @TempDir
    Path tmp;

    @Test
    void fullConfigDecodesEveryKey() {
        Path files = Path.of("src/test/resources/config/files");
        ExporterConfig expected = new ExporterConfig(
                new ExporterConfig.Server(9470, "127.0.0.1",
                        new ExporterConfig.Tls(files.resolve("tls.crt"), files.resolve("tls.key")),
                        Map.of("prometheus", BCRYPT), 50),
                new ExporterConfig.Kore(URI.create("https://bots.example.com"), Duration.ofSeconds(10),
                        new ExporterConfig.RateLimit(30, 900), files.resolve("ca.pem"), MessagesApi.AUTO, 8L << 20,
                        URI.create("https://agentassist.example.com")),
                new ExporterConfig.Poll(Duration.ofSeconds(15), Duration.ofMinutes(25), Duration.ofDays(2),
                        Duration.ofMinutes(5), Duration.ofHours(2)),
                new ExporterConfig.State(Path.of("/var/lib/kore-exporter"), StateStore.POSTGRESQL,
                        new ExporterConfig.Postgresql("jdbc:postgresql://db.example.com:5432/kore?sslmode=require",
                                "kore_exporter", new Secret("db-s3cret-from-file")), Duration.ofSeconds(45)),
                new ExporterConfig.Metrics(Duration.ofMinutes(90), Map.of(
                        "kore_turn_latency_seconds", List.of(0.25, 0.5, 1.0, 2.5),
                        "kore_asr_confidence", List.of(0.5, 0.9, 1.0)), 200, 2000),
                new ExporterConfig.Tracing(true),
                List.of(new Bot("billing-voice", "st-billing", "cs-billing", new Secret(SECRET), "66ea0001",
                                List.of("korevg", "ivrVoice")),
                        new Bot("sales.voice_2", "st-sales", "cs-sales", new Secret("s3cret-from-file"), null,
                                List.of("korevg"))),
                Slo.DEFAULTS, new ExporterConfig.Filters(true));

        ConfigLoader.Loaded loaded = ConfigLoader.load(Path.of("src/test/resources/config/valid-full.yml"),
                Map.of("KORE_CLIENT_SECRET", SECRET));

        assertEquals(expected, loaded.config());
        assertFalse(loaded.toString().contains(SECRET), loaded.toString());
        assertFalse(loaded.toString().contains("s3cret-from-file"), loaded.toString());
        assertTrue(loaded.toString().contains("password=******"), loaded.toString());
        assertFalse(loaded.toString().contains(BCRYPT), "password hashes stay out of toString too");
        assertTrue(loaded.toString().contains("clientSecret=******"), loaded.toString());
    }

    @Test
    void theSweepIntervalDefaultsToAnEighthOfTheLookbackAndMayEqualIt() {
        String lookback = MINIMAL + "poll:\n  lookback: 40m\n";
        assertEquals(Duration.ofMinutes(5), ConfigLoader.loadYaml(lookback, "test", Map.of()).config().poll().sweepInterval());
        assertEquals(Duration.ofMinutes(40), ConfigLoader.loadYaml(lookback + "  sweep-interval: 40m\n", "test", Map.of())
                .config().poll().sweepInterval());
        assertEquals(Duration.ofSeconds(20), ConfigLoader.loadYaml(lookback, "test", Map.of("POLL_SWEEP_INTERVAL", "20s"))
                .config().poll().sweepInterval());
    }

    @Test
    void defaultsAreThoseOfTheContract() {
        ExporterConfig c = ConfigLoader.loadYaml(MINIMAL, "test", Map.of()).config();

        assertEquals(new ExporterConfig.Server(9469, "0.0.0.0", null, Map.of(), 200), c.server());
        assertEquals(new ExporterConfig.Kore(URI.create("https://platform.kore.ai"), Duration.ofSeconds(30),
                new ExporterConfig.RateLimit(40, 1200), null, MessagesApi.AUTO, 32L << 20,
                URI.create("https://platform.kore.ai")), c.kore());
        assertEquals(new ExporterConfig.Poll(Duration.ofSeconds(30), Duration.ofMinutes(20), Duration.ofHours(1),
                Duration.ofSeconds(150), Duration.ofHours(1)), c.poll());
        assertEquals(new ExporterConfig.State(Path.of("./state"), StateStore.FILE, null, Duration.ofSeconds(30)),
                c.state());
        assertEquals(new ExporterConfig.Metrics(Duration.ofHours(1), Map.of(), 50, 500), c.metrics());
        assertFalse(c.tracing().includeText());
        assertFalse(c.filters().includeDeveloper(), "developer traffic is left out by default");
        assertEquals(List.of(new Bot("billing-voice", "st-1", "cs-1", new Secret(SECRET), null, List.of("korevg"))),
                c.bots());
    }

    @Test
    void theAgentAiHostDefaultsToTheBaseUrlAndFollowsItsRules() {
        String base = "kore:\n  base-url: https://tenant.example.com/\n" + MINIMAL;
        assertEquals(URI.create("https://tenant.example.com"),
                ConfigLoader.loadYaml(base, "test", Map.of()).config().kore().agentAiBaseUrl());
        ExporterConfig c = ConfigLoader.loadYaml(base, "test",
                Map.of("KORE_AGENT_AI_BASE_URL", "http://agentai.example.com/")).config();
        assertEquals(URI.create("http://agentai.example.com"), c.kore().agentAiBaseUrl());
        assertEquals(URI.create("https://tenant.example.com"), c.kore().baseUrl());
        assertEquals(List.of("kore.agent-ai-base-url: plain http to agentai.example.com: the bots' signed tokens and"
                        + " Kore.ai's answers travel unencrypted; use https"),
                ConfigLoader.loadYaml(base, "test", Map.of("KORE_AGENT_AI_BASE_URL", "http://agentai.example.com"))
                        .warnings());
    }

    @Test
    void theSessionHorizonIsAnHourOrTheLookbackWhenThatIsLonger() {
        assertEquals(Duration.ofHours(1), ConfigLoader.loadYaml(MINIMAL + "poll:\n  lookback: 1h\n", "test", Map.of())
                .config().poll().sessionHorizon());
        assertEquals(Duration.ofHours(3), ConfigLoader.loadYaml(MINIMAL + "poll:\n  lookback: 3h\n", "test", Map.of())
                .config().poll().sessionHorizon());
        assertEquals(Duration.ofHours(3), ConfigLoader.loadYaml(MINIMAL + "poll:\n  lookback: 3h\n", "test",
                Map.of("POLL_SESSION_HORIZON", "3h")).config().poll().sessionHorizon());
        assertEquals(Duration.ofDays(1), ConfigLoader.loadYaml(MINIMAL + "poll:\n  session-horizon: 1d\n", "test",
                Map.of()).config().poll().sessionHorizon());
    }

    @Test
    void thePostgresqlStoreTakesItsPasswordInlineOrFromAFileAndFromTheEnvironment() {
        String yaml = MINIMAL + """
                state:
                  store: postgresql
                  postgresql:
                    url: jdbc:postgresql://db:5432/kore
                    user: exporter
                """;
        ExporterConfig.State state = ConfigLoader.loadYaml(yaml, "test",
                Map.of("STATE_POSTGRESQL_PASSWORD", SECRET, "STATE_LEASE_DURATION", "5s")).config().state();
        assertEquals(new ExporterConfig.State(Path.of("./state"), StateStore.POSTGRESQL, new ExporterConfig.Postgresql(
                "jdbc:postgresql://db:5432/kore", "exporter", new Secret(SECRET)), Duration.ofSeconds(5)), state);
        assertFalse(state.toString().contains(SECRET), state.toString());

        ExporterConfig.State fromFile = ConfigLoader.loadYaml(yaml, "test", Map.of("STATE_POSTGRESQL_PASSWORD_FILE",
                "src/test/resources/config/files/db.password")).config().state();
        assertEquals("db-s3cret-from-file", fromFile.postgresql().password().reveal());
    }

    @Test
    void problemsAboutThePostgresqlStoreNeverShowThePassword() {
        String yaml = MINIMAL + """
                state:
                  store: postgresql
                  postgresql:
                    url: jdbc:postgresql://db:5432/kore?user=x&password=%s
                    user: exporter
                    password: %s
                    password-file: src/test/resources/config/files/db.password
                """.formatted(SECRET, SECRET);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml(yaml, "test", Map.of()));
        assertEquals(List.of(
                "state.postgresql.url: must not hold the password (set state.postgresql.password or password-file)",
                "state.postgresql.password: not allowed together with password-file, set only one"), e.problems());
        assertFalse(e.toString().contains(SECRET), e.toString());
    }

    @Test
    void environmentOverridesKnownKeysTheHelidonWay() throws IOException {
        Path config = write("config.yml", MINIMAL + "    channels: [korevg, ivrVoice]\n");
        Map<String, String> env = Map.ofEntries(
                Map.entry("SERVER_PORT", "9470"),
                Map.entry("POLL_INTERVAL", "5s"),
                Map.entry("STATE_DIR", "/var/lib/kore-exporter"),
                Map.entry("KORE_RATE_LIMIT_PER_MINUTE", "20"),
                Map.entry("KORE_RATE_DASH_LIMIT_PER_DASH_HOUR", "600"),
                Map.entry("METRICS_CONTAINMENT_WINDOW", "PT2H"),
                Map.entry("METRICS_BUCKETS_KORE_TURN_LATENCY_SECONDS_0", "0.5"),
                Map.entry("METRICS_BUCKETS_KORE_TURN_LATENCY_SECONDS_1", "2"),
                Map.entry("TRACING_INCLUDE_TEXT", "true"),
                Map.entry("BOTS_0_CLIENT_SECRET", "from-env"),
                Map.entry("BOTS_0_CHANNELS_1", "twiliovoice"),
                Map.entry("BOTS_1_NAME", "added"),
                Map.entry("BOTS_1_ID", "st-2"),
                Map.entry("BOTS_1_CLIENT_ID", "cs-2"),
                Map.entry("BOTS_1_CLIENT_SECRET", "other"),
                Map.entry("PATH", "/usr/bin"),
                Map.entry("SERVER_PORTS", "1"),
                Map.entry("KORE_CLIENT_SECRET", "unrelated"));

        ExporterConfig c = ConfigLoader.load(config, env).config();

        assertEquals(9470, c.server().port());
        assertEquals(Duration.ofSeconds(5), c.poll().interval());
        assertEquals(Path.of("/var/lib/kore-exporter"), c.state().dir());
        assertEquals(new ExporterConfig.RateLimit(20, 600), c.kore().rateLimit());
        assertEquals(Duration.ofHours(2), c.metrics().containmentWindow());
        assertEquals(Map.of("kore_turn_latency_seconds", List.of(0.5, 2.0)), c.metrics().buckets());
        assertTrue(c.tracing().includeText());
        assertEquals(new Bot("billing-voice", "st-1", "cs-1", new Secret("from-env"), null,
                List.of("korevg", "twiliovoice")), c.bots().get(0));
        assertEquals(new Bot("added", "st-2", "cs-2", new Secret("other"), null, List.of("korevg")), c.bots().get(1));
    }

    @Test
    void environmentOverridesApplyToInMemoryYamlToo() {
        ExporterConfig c = ConfigLoader.loadYaml(MINIMAL, "demo",
                Map.of("SERVER_PORT", "0", "POLL_INTERVAL", "1s")).config();
        assertEquals(0, c.server().port(), "0 asks for a free port (tests, demo)");
        assertEquals(Duration.ofSeconds(1), c.poll().interval());

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml(MINIMAL, "demo",
                Map.of("SERVER_PORT", "70000")));
        assertEquals(List.of("server.port: must be between 0 and 65535, got 70000 (from env var SERVER_PORT)"),
                e.problems());
    }

    @Test
    void environmentCanSupplyTheWholeConfigOfAnEmptyDocument() {
        ExporterConfig c = ConfigLoader.loadYaml("", "demo", Map.of("BOTS_0_NAME", "b", "BOTS_0_ID", "st",
                "BOTS_0_CLIENT_ID", "cs", "BOTS_0_CLIENT_SECRET", SECRET)).config();
        assertEquals(List.of(new Bot("b", "st", "cs", new Secret(SECRET), null, List.of("korevg"))), c.bots());
    }

    @Test
    void envReferencesResolveWithDefaultsAndEscapes() {
        String yaml = """
                server:
                  host: ${HOST:-127.0.0.1}
                  port: ${PORT}
                state:
                  dir: /data/$${literal}/${SUB}
                """ + MINIMAL.replace(SECRET, "${KORE_CLIENT_SECRET}");
        ExporterConfig c = ConfigLoader.loadYaml(yaml, "test",
                Map.of("PORT", "9471", "SUB", "x", "KORE_CLIENT_SECRET", SECRET)).config();
        assertEquals("127.0.0.1", c.server().host());
        assertEquals(9471, c.server().port());
        assertEquals(Path.of("/data/${literal}/x"), c.state().dir());
        assertEquals(SECRET, c.bots().getFirst().clientSecret().reveal());
    }

    @Test
    void secretFileLosesItsTrailingNewline() throws IOException {
        Path secret = write("secret", SECRET + "\r\n");
        String yaml = MINIMAL.replace("client-secret: " + SECRET, "client-secret-file: " + secret);
        assertEquals(SECRET, ConfigLoader.loadYaml(yaml, "test", Map.of()).config().bots().getFirst()
                .clientSecret().reveal());
    }

    @Test
    void problemsNeverContainTheSecret() {
        String yaml = MINIMAL + "    channels: []\n  - name: b2\n    id: st-2\n    client-id: cs-2\n"
                + "    client-secret: [" + SECRET + "]\n";
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.loadYaml(yaml, "test", Map.of("BOTS_0_CLIENT_SECRET", SECRET + "\t")));
        assertEquals(List.of("bots[0].channels: must not be empty",
                "bots[1].client-secret: must be a string, got a list"), e.problems());
        assertFalse(e.toString().contains(SECRET), e.toString());

        ConfigException empty = assertThrows(ConfigException.class,
                () -> ConfigLoader.loadYaml(MINIMAL, "test", Map.of("BOTS_0_CLIENT_SECRET", " ")));
        assertEquals(List.of("bots[0].client-secret: must not be empty (from env var BOTS_0_CLIENT_SECRET)"),
                empty.problems());
    }

    @Test
    void yamlSyntaxErrorsDoNotQuoteTheOffendingLine() {
        String yaml = MINIMAL.replace("client-secret: " + SECRET, "client-secret: " + SECRET + ": [");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml(yaml, "demo", Map.of()));
        assertTrue(e.getMessage().startsWith("demo: invalid YAML at line 5"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void missingConfigFileIsAProblem() {
        Path missing = tmp.resolve("nope.yml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));
        assertEquals(List.of("cannot read \"" + missing + "\": no such file"), e.problems());
    }

    @Test
    void warnsAboutFilesOthersCanRead() throws IOException {
        Path secret = write("secret", SECRET + "\n");
        Path config = write("config.yml", MINIMAL.replace("client-secret: " + SECRET, "client-secret-file: " + secret));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        assertEquals(List.of(), ConfigLoader.load(config, Map.of()).warnings());

        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        List<String> warnings = ConfigLoader.load(config, Map.of()).warnings();

        assertEquals(List.of(
                "config file \"" + config + "\" is readable by group or others (rw-r--r--), consider chmod 600",
                "bots[0].client-secret-file: \"" + secret + "\" is readable by group or others (rw-r-----),"
                        + " consider chmod 600"), warnings);
    }

    @Test
    void plainHttpToKoreAiIsWarnedAboutButNotOnLoopback() {
        String remote = "kore:\n  base-url: http://kore.example.com\n" + MINIMAL;
        List<String> warnings = ConfigLoader.loadYaml(remote, "test", Map.of()).warnings();
        assertEquals(List.of("kore.base-url: plain http to kore.example.com: the bots' signed tokens and Kore.ai's"
                + " answers travel unencrypted; use https"), warnings);
        assertFalse(warnings.toString().contains(SECRET));
        assertEquals(List.of(), ConfigLoader.loadYaml(remote.replace("kore.example.com", "127.0.0.1:8080"),
                "test", Map.of()).warnings());
        assertEquals(List.of(), ConfigLoader.loadYaml(remote.replace("http:", "https:"), "test", Map.of()).warnings());
    }

    @Test
    void sizesAcceptBytesAndBinaryUnits() {
        assertEquals(512L << 10, Sizes.parse("512KiB"));
        assertEquals(32L << 20, Sizes.parse("32MiB"));
        assertEquals(1L << 30, Sizes.parse("1GiB"));
        assertEquals(70000, Sizes.parse("70000"));
        for (String bad : List.of("", "32MB", "1.5MiB", "-1", "MiB", "32 mib")) {
            assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
        }
        assertEquals("32MiB", Sizes.format(32L << 20));
        assertEquals(Sizes.parse("8MiB"), ConfigLoader.loadYaml("kore:\n  max-response-size: 8MiB\n" + MINIMAL,
                "test", Map.of()).config().kore().maxResponseSize());
        assertEquals(32L << 20, ConfigLoader.loadYaml(MINIMAL, "test", Map.of()).config().kore().maxResponseSize());
    }

    @Test
    void inMemoryYamlHasNoFileToWarnAbout() {
        assertEquals(List.of(), ConfigLoader.loadYaml(MINIMAL, "demo", Map.of()).warnings());
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofDays(7), Durations.parse("P7D"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
        for (String bad : List.of("", "30", "5x", "1.5s", "s", "P", "-5s", "PT")) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }
}
