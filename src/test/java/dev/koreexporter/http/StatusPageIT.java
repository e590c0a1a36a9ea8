package dev.koreexporter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.Daemon;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.metrics.BotFigures;
import dev.koreexporter.metrics.BucketCounts;
import dev.koreexporter.poll.BotStatus;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.testing.HeadlessChromium;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.tracing.OtelTurnTracer;
import io.helidon.webserver.WebServer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page of the whole daemon, polling the in-process simulator on a manual clock, rendered by a
 * real headless Chromium: each bot's row holds live figures, the screenshot is a real picture, and neither
 * secrets nor users' words reach the page, even with {@code tracing.include-text} on.
 */
class StatusPageIT {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final List<SimBot> BOTS = SimulatorOptions.DEMO_BOTS;
    private static final Path OUT = Path.of("target/status-page");
    /** Made by libcrypt (bcrypt, cost 10) for {@link #PASSWORD}, as in the endpoint security test. */
    private static final String PASSWORD = "scrape-pass-7Q";
    private static final String HASH = "$2b$10$1pvJz2c4X09LLLzCC4QPb.cohagUK..nuC55nsRAGxcc9w.OjndGu";
    private static final Pattern ROW = Pattern.compile("<tr class=\"bot\" data-bot=\"([^\"]*)\">(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td class=\"([^\"]*)\">(.*?)</td>", Pattern.DOTALL);
    private static final String LATENCY = "(\\d+ ms|\\d+\\.\\d\\d s)";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static HeadlessChromium chromium;

    @BeforeAll
    static void browser() throws Exception {
        chromium = HeadlessChromium.find(OUT.resolve("chromium"));
    }

    /** The daemon against the simulator; {@code serverYaml} goes under {@code server:}. */
    private record Running(ManualClock clock, LabSimulator sim, Daemon daemon, OtelTurnTracer tracer,
                           String auth) implements AutoCloseable {
        static Running start(String name, String serverYaml, String auth) {
            ManualClock clock = new ManualClock(T0);
            LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0).withSeed(11)
                    .withClock(clock).withBots(BOTS).withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(3)
                    .withMaxLateness(Duration.ofMinutes(2)));
            StringBuilder y = new StringBuilder("server:\n  port: 0\n  host: 127.0.0.1\n").append(serverYaml)
                    .append("kore:\n  base-url: ").append(sim.baseUrl()).append("\n  timeout: 5s\n")
                    // Cycles follow each other quickly in real time; the manual clock decides what they see.
                    .append("poll:\n  interval: 1s\n  backfill: 1h\n")
                    .append("state:\n  dir: ").append(dir.resolve(name)).append('\n')
                    .append("tracing:\n  include-text: true\n")
                    .append("bots:\n");
            for (SimBot b : BOTS) {
                y.append("  - name: ").append(b.name()).append("\n    id: ").append(b.botId())
                        .append("\n    client-id: ").append(b.clientId())
                        .append("\n    client-secret: \"").append(b.clientSecret()).append("\"\n")
                        .append(b.accountId() == null ? "" : "    account-id: " + b.accountId() + "\n")
                        .append("    channels: ").append(b.channels()).append('\n');
            }
            ExporterConfig config = ConfigLoader.loadYaml(y.toString(), "test", Map.of()).config();
            OtelTurnTracer tracer = OtelTurnTracer.forExporter(config.tracing(), InMemorySpanExporter.create());
            return new Running(clock, sim, Daemon.start(config, clock, tracer), tracer, auth);
        }

        String url(String path) {
            return "http://127.0.0.1:" + daemon.port() + path;
        }

        String get(String path) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10));
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            return r.body();
        }

        /** Waits until every bot finished a successful cycle at the clock's current time. */
        void awaitCycleAtNow() {
            String now = clock.instant().toString();
            await("a cycle of every bot at " + now).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> {
                        JsonNode bots = JSON.readTree(get("/health/ready")).path("bots");
                        int done = 0;
                        for (JsonNode b : bots) {
                            done += now.equals(b.path("lastSuccess").asText()) ? 1 : 0;
                        }
                        return done == BOTS.size();
                    });
        }

        Map<String, Double> turnCounts() throws Exception {
            MetricsText m = MetricsText.parse(get("/metrics"));
            Map<String, Double> counts = new HashMap<>();
            BOTS.forEach(b -> counts.put(b.name(), m.sum("kore_turn_latency_seconds_count", "bot", b.name())));
            return counts;
        }

        @Override
        public void close() {
            daemon.close();
            tracer.close();
            sim.close();
        }
    }

    @Test
    void chromiumRendersEveryBotWithLiveFigures() throws Exception {
        try (Running r = Running.start("live", "", null)) {
            r.awaitCycleAtNow();
            Map<String, Double> atStart = r.turnCounts();
            r.get("/");
            Map<String, Double> atMinuteOne = null;
            for (int minute = 1; minute <= 16; minute++) {
                r.clock().advance(Duration.ofMinutes(1));
                r.awaitCycleAtNow();
                r.get("/");
                if (minute == 1) {
                    atMinuteOne = r.turnCounts();
                }
            }
            Map<String, Double> atEnd = r.turnCounts();

            String dom = chromium.dumpDom(r.url("/"));
            Files.writeString(OUT.resolve("status.dom.html"), dom);
            Map<String, Map<String, String>> rows = rows(dom);
            assertEquals(BOTS.stream().map(SimBot::name).collect(Collectors.toSet()), rows.keySet(), dom);
            for (SimBot b : BOTS) {
                Map<String, String> row = rows.get(b.name());
                String where = b.name() + ": " + row;
                assertTrue(row.get("state").startsWith("ok"), where);
                assertTrue(row.get("last-success").startsWith("12:16:00 UTC"), where);
                assertTrue(row.get("num lag").matches("\\d+ (s|min)( \\d+ s)?"), where);
                // The baseline is the sample of minute 1, taken after its cycle (by the page view) or before it
                // (by the background sampler): either way, turns counted between it and now, over 15 minutes.
                double late = (atEnd.get(b.name()) - atMinuteOne.get(b.name())) / 15;
                double early = (atEnd.get(b.name()) - atStart.get(b.name())) / 15;
                String turns = row.get("num turns");
                assertTrue(turns.endsWith("last 15 min"), where);
                String shown = turns.substring(0, turns.indexOf("last")).trim();
                assertTrue(shown.equals(oneDecimal(late)) || shown.equals(oneDecimal(early)),
                        where + " expected " + oneDecimal(late) + " (or " + oneDecimal(early) + ")");
                assertTrue(late > 0, "the simulator made turns for " + b.name() + " in the window");
                Matcher latency = Pattern.compile(LATENCY + " / " + LATENCY).matcher(row.get("num latency"));
                assertTrue(latency.matches(), where);
                assertTrue(seconds(latency.group(1)) <= seconds(latency.group(2)), "p50 <= p90: " + where);
                assertTrue(row.get("containment").matches(".*self-service \\d+%.*"), where);
                // Freshness and budget come from metrics a release may not have yet: a duration or a dash.
                assertTrue(row.get("num freshness").matches("\u2013|\\d+ (s|min).*"), where);
                assertTrue(row.get("num budget").matches("(\u2013|[\\d.]+%) / (\u2013|[\\d.]+%)"), where);
            }
            assertTrue(dom.contains(BOTS.size() + " of " + BOTS.size() + " bots ok"), dom);
            for (String href : List.of("/metrics", "/health/ready", "/health/live")) {
                assertTrue(dom.contains("<a href=\"" + href + "\">"), href);
            }
            assertTrue(dom.contains("java -jar kore-exporter.jar doctor --config FILE"), dom);

            Path png = OUT.resolve("status.png");
            chromium.screenshot(r.url("/"), png, 1280, 900);
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(1280, image.getWidth());
            assertEquals(900, image.getHeight());
            assertTrue(colours(image) > 50, "a page with badges, bars and text, not a blank one");
            assertTrue(Files.size(png) > 20_000, "screenshot size " + Files.size(png));

            assertNoSecretNorUserText(List.of(dom, r.get("/")), r.sim().groundTruth(), Set.of());
        }
    }

    @Test
    void basicAuthPasswordAndHashNeverOnThePage() throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString(("prometheus:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        try (Running r = Running.start("auth", "  basic-auth:\n    users:\n      prometheus: \"" + HASH + "\"\n", auth)) {
            r.awaitCycleAtNow();
            r.clock().advance(Duration.ofMinutes(2));
            r.awaitCycleAtNow();
            String page = r.get("/");
            assertEquals(BOTS.size(), rows(page).size(), page);
            assertNoSecretNorUserText(List.of(page), r.sim().groundTruth(), Set.of(PASSWORD, HASH, "prometheus:"));
        }
    }

    @Test
    void hostileErrorsAndLabelsStayTextInTheBrowser() throws Exception {
        String bot = "billing-voice";
        // Hostile strings where the page shows figures (containment types are a closed set today: the page must
        // not rely on that).
        BotFigures hostile = new BotFigures(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                Map.of("<img src=x onerror=document.title='pwned'>", 1.0), BucketCounts.EMPTY, BucketCounts.EMPTY);
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJhcHBJZCI6ImNzLTEifQ.c2lnbmF0dXJl";
        List<BotStatus> statuses = List.of(new BotStatus(bot, 2, false, null, null,
                "getSessions: HTTP 400 <script>document.title='pwned'</script>\"><b onmouseover=x>bold</b> auth: " + jwt,
                true));
        WebServer server = Daemon.httpServer().host("127.0.0.1").port(0)
                .routing(rt -> rt.register("/", new StatusPage("0.3.0", () -> statuses, b -> hostile, new ManualClock(T0))))
                .build().start();
        try {
            String dom = chromium.dumpDom("http://127.0.0.1:" + server.port() + "/");
            assertTrue(dom.contains("<title>kore-exporter</title>"), "no script ran and changed the title: " + dom);
            assertFalse(dom.contains("<script"), dom);
            assertFalse(dom.contains("<img"), dom);
            assertFalse(dom.contains("<b "), dom);
            assertFalse(dom.contains("eyJ"), dom);
            assertTrue(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), dom);
            assertTrue(rows(dom).get(bot).get("state").startsWith("failing"), dom);
            chromium.screenshot("http://127.0.0.1:" + server.port() + "/", OUT.resolve("failing.png"), 1280, 500);
        } finally {
            server.stop();
        }
    }

    private static void assertNoSecretNorUserText(List<String> pages, GroundTruth truth, Set<String> more) {
        Set<String> forbidden = new TreeSet<>(more);
        forbidden.add("eyJ");
        Set<String> texts = new HashSet<>();
        for (SimBot b : BOTS) {
            forbidden.add(b.clientSecret());
            for (TruthMessage m : truth.messages(b.botId())) {
                forbidden.add(m.userId());
                // Short canned texts ("yes") would match ordinary words of the page.
                if (m.message().text() != null && m.message().text().length() >= 12) {
                    texts.add(m.message().text());
                }
            }
        }
        assertTrue(texts.size() > 10, "ground truth has words to look for");
        forbidden.addAll(texts);
        for (String page : pages) {
            for (String f : forbidden) {
                assertFalse(page.contains(f), () -> "\"" + f + "\" on the status page");
            }
        }
    }

    /** Per bot, each cell's text by its class (tags stripped). */
    private static Map<String, Map<String, String>> rows(String html) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        Matcher m = ROW.matcher(html);
        while (m.find()) {
            Map<String, String> cells = new HashMap<>();
            Matcher c = CELL.matcher(m.group(2));
            while (c.find()) {
                cells.put(c.group(1), c.group(2).replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim());
            }
            // The state cell has no class of its own: its badge does.
            Matcher state = Pattern.compile("class=\"badge state\"[^>]*>([^<]*)<").matcher(m.group(2));
            cells.put("state", state.find() ? state.group(1) : "");
            rows.put(m.group(1), cells);
        }
        return rows;
    }

    private static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static double seconds(String latency) {
        return latency.endsWith(" ms") ? Double.parseDouble(latency.replace(" ms", "")) / 1000
                : Double.parseDouble(latency.replace(" s", ""));
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
