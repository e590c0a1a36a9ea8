package dev.koreexporter.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Sleeper;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Session;
import dev.koreexporter.poll.Kind;
import dev.koreexporter.poll.Stream;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.koreexporter.doctor.DoctorHarness.T0;
import static dev.koreexporter.doctor.DoctorHarness.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** doctor against the simulator: a good tenant, bad credentials, an empty channel and each alternative behaviour. */
class DoctorTest {
    static final Instant FROM = T0.minus(Duration.ofHours(1));
    static final Pattern LINE = Pattern.compile("(OK|WARN|FAIL) (\\S+) (\\S+): (.+)");

    /** Requests doctor sent per bot, as the simulator saw them; also checks the per-bot bound. */
    private static Map<String, Long> requests(DoctorHarness h, DoctorReport report) {
        Map<String, Long> out = new TreeMap<>();
        for (SimBot b : h.sim.bots()) {
            long seen = h.sim.requestStats().bot(b.botId()).total();
            assertTrue(seen <= BotDoctor.MAX_REQUESTS, b.name() + " got " + seen + " requests");
            report.bots().stream().filter(r -> r.bot().equals(b.name())).findFirst()
                    .ifPresent(r -> assertEquals(seen, r.requests(), b.name()));
            out.put(b.name(), seen);
        }
        return out;
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " not in: " + text);
        return Long.parseLong(m.group(1));
    }

    @Test
    void goodTenantListsEveryCheckWithTheNumbersOfGroundTruth() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            DoctorReport report = h.check(h.config());
            SimBot billing = h.bot("billing-voice");
            assertEquals(List.of("auth", "sessions", "messages:korevg", "messages:ivrVoice", "channels", "agentai", "clock",
                    "budget", "page-time"), DoctorHarness.names(report, "billing-voice"));
            for (String name : DoctorHarness.names(report, "billing-voice")) {
                assertEquals(Status.OK, check(report, "billing-voice", name).status(), check(report, "billing-voice", name).toString());
            }
            // Shown once visible as active or as closed (a short session may show closed first).
            long sessions = h.sim.groundTruth().sessions(billing.botId(), T0).stream()
                    .filter(s -> !s.visibleActiveAt().isAfter(T0) || !s.visibleClosedAt().isAfter(T0)).count();
            assertEquals(sessions, number(check(report, "billing-voice", "sessions").detail(), "answers: (\\d+) sessions"));
            for (String channel : billing.channels()) {
                long messages = h.sim.groundTruth().messages(billing.botId(), FROM, T0, T0).stream()
                        .filter(m -> m.message().channel().equals(channel)).count();
                assertEquals(messages, number(check(report, "billing-voice", "messages:" + channel).detail(),
                        "getMessagesV2: (\\d+) messages"));
            }
            assertEquals(h.sim.groundTruth().conversations(billing.botId()).stream()
                            .filter(c -> !c.visibleAt().isAfter(T0)).count(),
                    number(check(report, "billing-voice", "agentai").detail(), "answers: (\\d+) conversations"));
            // web-chat's rtm channel is text: no latency objects, which doctor says.
            CheckResult rtm = check(report, "web-chat", "messages:rtm");
            assertEquals(Status.WARN, rtm.status());
            assertTrue(rtm.detail().contains("latency"), rtm.detail());
            assertEquals(Status.WARN, report.status());
            assertEquals(0, report.exitCode());
            assertTrue(report.bots().stream().flatMap(b -> b.checks().stream()).noneMatch(c -> c.check().startsWith("assumption:")),
                    report.toString());
            Map<String, Long> used = requests(h, report);
            // One page per stream, one without channelType for the channels check.
            assertEquals(Map.of("billing-voice", 5L, "support-ivr", 4L, "web-chat", 4L), used);
            assertFalse(Files.exists(h.stateDir), "doctor must not touch state.dir");
        }
    }

    @Test
    void jsonAndTextReportsHaveTheDocumentedShape() {
        try (DoctorHarness h = new DoctorHarness()) {
            var json = h.run(h.config(), DoctorCommand.Format.JSON);
            assertEquals(0, json.exit(), json.err());
            JsonNode root = json.json();
            assertEquals(List.of("status", "bots"), fields(root));
            assertEquals("warn", root.path("status").asText());
            assertEquals(3, root.path("bots").size());
            for (JsonNode bot : root.path("bots")) {
                assertEquals(List.of("bot", "checks"), fields(bot));
                for (JsonNode c : bot.path("checks")) {
                    assertEquals(List.of("check", "status", "detail"), fields(c));
                    assertTrue(List.of("ok", "warn", "fail").contains(c.path("status").asText()));
                    assertFalse(c.path("detail").asText().isBlank());
                }
            }
            var text = h.run(h.config(), DoctorCommand.Format.TEXT);
            assertEquals(0, text.exit());
            List<String> lines = text.out().lines().toList();
            int checks = 0;
            for (JsonNode bot : root.path("bots")) {
                checks += bot.path("checks").size();
            }
            assertEquals(checks + 1, lines.size(), text.out());
            for (String line : lines.subList(0, checks)) {
                assertTrue(LINE.matcher(line).matches(), line);
            }
            assertFalse(LINE.matcher(lines.getLast()).matches(), "the summary line is not a check line");
            assertTrue(text.err().contains("request(s)"), "logs go to stderr: " + text.err());
        }
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void badSecretFailsAuthAndSkipsTheRestWithoutPrintingSecretsOrTokens() {
        try (DoctorHarness h = new DoctorHarness()) {
            SimBot billing = h.bot("billing-voice");
            String wrong = "wrong-secret-for-billing-0123456789abcdef";
            var run = h.run(h.config("", Map.of("billing-voice", wrong), Map.of(), "  interval: 30s\n"),
                    DoctorCommand.Format.JSON);
            assertEquals(1, run.exit());
            JsonNode root = run.json();
            assertEquals("fail", root.path("status").asText());
            JsonNode checks = root.path("bots").path(0).path("checks");
            assertEquals("auth", checks.path(0).path("check").asText());
            assertEquals("fail", checks.path(0).path("status").asText());
            assertTrue(checks.path(0).path("detail").asText().contains("401"), checks.toString());
            // What a 401 usually means, as README "Setting up the Kore.ai app" lists it.
            for (String cause : List.of("client id or client secret", "bot id", "App Sessions", "published", "JWE")) {
                assertTrue(checks.path(0).path("detail").asText().contains(cause), cause + ": " + checks);
            }
            assertEquals(9, checks.size());
            for (int i = 1; i < checks.size(); i++) {
                assertEquals("fail", checks.path(i).path("status").asText());
                assertEquals("skipped: auth failed", checks.path(i).path("detail").asText());
            }
            assertEquals(1, h.sim.requestStats().bot(billing.botId()).total());
            for (String output : List.of(run.out(), run.err())) {
                assertFalse(output.contains(wrong));
                for (SimBot b : h.sim.bots()) {
                    assertFalse(output.contains(b.clientSecret()));
                }
                assertFalse(output.contains("eyJ"), "a JWT leaked: " + output);
            }
        }
    }

    @Test
    void emptyChannelIsAWarning() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            DoctorReport report = h.check(h.config("", Map.of(),
                    Map.of("billing-voice", List.of("korevg", "twiliovoice")), "  interval: 30s\n"));
            CheckResult empty = check(report, "billing-voice", "messages:twiliovoice");
            assertEquals(Status.WARN, empty.status());
            assertTrue(empty.detail().contains("0 messages"), empty.detail());
            assertEquals(Status.OK, check(report, "billing-voice", "messages:korevg").status());
            assertEquals(0, report.exitCode());
        }
    }

    @Test
    void unknownBotIdFailsAuthWithKoresAnswer() throws Exception {
        // The app's token is valid, so Kore.ai (and the simulator) says the bot is not found.
        try (DoctorHarness h = new DoctorHarness()) {
            String yaml = Files.readString(h.config()).replace(h.bot("support-ivr").botId(), "st-no-such-bot");
            var file = h.dir.resolve("unknown.yml");
            Files.writeString(file, yaml);
            DoctorReport report = h.check(file);
            CheckResult auth = check(report, "support-ivr", "auth");
            assertEquals(Status.FAIL, auth.status());
            assertTrue(auth.detail().contains("404") && auth.detail().contains("Bot not found"), auth.detail());
            assertEquals(1, report.exitCode());
        }
    }

    @Test
    void v2MissingIsAWarningAndV1IsChecked() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            SimBot billing = h.bot("billing-voice");
            h.sim.faults().set(Fault.of(FaultType.V2_MISSING).forBot(billing.botId()));
            DoctorReport report = h.check(h.config());
            for (String channel : billing.channels()) {
                CheckResult c = check(report, "billing-voice", "messages:" + channel);
                assertEquals(Status.WARN, c.status(), c.detail());
                assertTrue(c.detail().startsWith("getMessagesV2 not available, the exporter will use v1"), c.detail());
                long messages = h.sim.groundTruth().messages(billing.botId(), FROM, T0, T0).stream()
                        .filter(m -> m.message().channel().equals(channel)).count();
                assertEquals(messages, number(c.detail(), "getMessages: (\\d+) messages"));
            }
            var stats = h.sim.requestStats().bot(billing.botId());
            assertEquals(1L, stats.byEndpoint().get("getMessagesV2"));
            // Each channel, then the channels check: all with v1.
            assertEquals(3L, stats.byEndpoint().get("getMessages"));
            assertEquals(0, report.exitCode());
            requests(h, report);
        }
    }

    @Test
    void v2ForcedButMissingFailsAndV1ForcedUsesV1Only() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            SimBot billing = h.bot("billing-voice");
            h.sim.faults().set(Fault.of(FaultType.V2_MISSING).forBot(billing.botId()));
            DoctorReport v2 = h.check(h.config("  messages-api: v2\n", Map.of(), Map.of(), "  interval: 30s\n"));
            assertEquals(Status.FAIL, check(v2, "billing-voice", "messages:korevg").status());
            assertEquals(1, v2.exitCode());
        }
        try (DoctorHarness h = new DoctorHarness()) {
            DoctorReport v1 = h.check(h.config("  messages-api: v1\n", Map.of(), Map.of(), "  interval: 30s\n"));
            assertEquals(Status.OK, check(v1, "billing-voice", "messages:korevg").status());
            var stats = h.sim.requestStats().bot(h.bot("billing-voice").botId());
            assertEquals(null, stats.byEndpoint().get("getMessagesV2"));
            assertEquals(3L, stats.byEndpoint().get("getMessages"));
        }
    }

    /** Each behaviour the README's "How it reads Kore.ai" does not assume gives its own warning. */
    @Test
    void everyAlternativeBehaviourIsAWarning() throws Exception {
        Map<FaultType, String> expected = Map.of(
                FaultType.IGNORE_CHANNEL_TYPE, "assumption:channel-filter",
                FaultType.CLOSED_SESSIONS_ONLY, "assumption:active-sessions",
                FaultType.SMALL_PAGES, "assumption:page-sizes",
                FaultType.UNORDERED, "assumption:ordering");
        for (var e : expected.entrySet()) {
            try (DoctorHarness h = new DoctorHarness()) {
                SimBot billing = h.bot("billing-voice");
                h.sim.faults().set(Fault.of(e.getKey()).forBot(billing.botId()));
                // Pages of 10 cost more than the default share of the budget: at Kore.ai's own limits the budget check
                // is a warning, so that only the assumption is under test here.
                DoctorReport report = h.check(h.config("  rate-limit:\n    per-minute: 60\n    per-hour: 1800\n",
                        Map.of(), Map.of(), "  interval: 30s\n"));
                CheckResult warn = check(report, "billing-voice", e.getValue());
                assertEquals(Status.WARN, warn.status(), e.getKey() + ": " + warn);
                assertTrue(warn.detail().contains("exporter"), "says what the exporter does: " + warn.detail());
                assertTrue(report.bots().stream().filter(b -> !b.bot().equals("billing-voice"))
                        .flatMap(b -> b.checks().stream()).noneMatch(c -> c.check().startsWith("assumption:")),
                        e.getKey() + " leaked to other bots");
                assertEquals(0, report.exitCode(), e.getKey() + ": " + report);
                requests(h, report);
            }
        }
    }

    @Test
    void smallPagesShowInTheSessionsCheckAndTheBudget() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            h.sim.faults().set(Fault.of(FaultType.SMALL_PAGES).forEndpoint(Endpoint.GET_SESSIONS));
            DoctorReport report = h.check(h.config());
            assertTrue(check(report, "billing-voice", "sessions").detail().contains("pages of 10 (asked 1000)"));
            assertTrue(number(check(report, "billing-voice", "budget").detail(), "about (\\d+) requests/h") > 360);
        }
    }

    @Test
    void clockSkewAboveThirtySecondsIsAWarning() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            h.sim.faults().set(Fault.clockSkew(Duration.ofSeconds(95)).forBot(h.bot("support-ivr").botId()));
            DoctorReport report = h.check(h.config());
            CheckResult clock = check(report, "support-ivr", "clock");
            assertEquals(Status.WARN, clock.status());
            assertTrue(clock.detail().contains("95 s ahead"), clock.detail());
            assertEquals(Status.OK, check(report, "billing-voice", "clock").status());
        }
    }

    @Test
    void budgetWarnsAboveHalfAndFailsAboveTheHourlyLimit() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            // support-ivr at 30 s: 120 cycles x (sessions + 2 channels) = 360 requests/h
            String warn = "  rate-limit:\n    per-minute: 60\n    per-hour: 600\n";
            DoctorReport w = h.check(h.config(warn, Map.of(), Map.of(), "  interval: 30s\n"));
            assertEquals(Status.WARN, check(w, "support-ivr", "budget").status(), check(w, "support-ivr", "budget").detail());
            assertEquals(360, number(check(w, "support-ivr", "budget").detail(), "about (\\d+) requests/h"));
            String fail = "  rate-limit:\n    per-minute: 60\n    per-hour: 300\n";
            DoctorReport f = h.check(h.config(fail, Map.of(), Map.of(), "  interval: 30s\n"));
            assertEquals(Status.FAIL, check(f, "support-ivr", "budget").status());
            assertEquals(1, f.exitCode());
            DoctorReport slow = h.check(h.config(fail, Map.of(), Map.of(), "  interval: 2m\n"));
            assertEquals(Status.OK, check(slow, "support-ivr", "budget").status());
        }
    }

    /** README "First run against your tenant": a voice channel the config leaves out is named. */
    @Test
    void aChannelWithLatencyObjectsMissingFromTheConfigIsAWarning() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            DoctorReport report = h.check(h.config("", Map.of(), Map.of("billing-voice", List.of("korevg")),
                    "  interval: 30s\n"));
            CheckResult channels = check(report, "billing-voice", "channels");
            assertEquals(Status.WARN, channels.status(), channels.detail());
            assertTrue(channels.detail().contains("ivrVoice has outgoing messages with latency objects but is not"
                    + " among the bot's channels"), channels.detail());
            // Every channel that has messages, with their counts on the page: ground truth's, as both fit on one.
            for (String channel : h.bot("billing-voice").channels()) {
                long messages = h.sim.groundTruth().messages(h.bot("billing-voice").botId(), FROM, T0, T0).stream()
                        .filter(m -> m.message().channel().equals(channel)).count();
                assertTrue(channels.detail().contains(channel + " (" + messages + ")"), channels.detail());
            }
            // web-chat's rtm channel is text (no latency objects): configured or not, it is no warning.
            assertEquals(Status.OK, check(report, "web-chat", "channels").status());
            assertEquals(0, report.exitCode());
            requests(h, report);
            assertEquals(Status.OK, check(h.check(h.config()), "billing-voice", "channels").status());
        }
    }

    @Test
    void theSlowestRequestAboveHalfTheTimeoutIsAWarning() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            SimBot support = h.bot("support-ivr");
            h.sim.faults().set(Fault.slow(Duration.ofMillis(1_300)).forBot(support.botId())
                    .forEndpoint(Endpoint.GET_SESSIONS));
            DoctorReport report = h.check(h.config("  timeout: 2s\n", Map.of(), Map.of(), "  interval: 30s\n"));
            CheckResult slow = check(report, "support-ivr", "page-time");
            assertEquals(Status.WARN, slow.status(), slow.detail());
            assertTrue(slow.detail().contains("(getSessions), kore.timeout 2.0 s"), slow.detail());
            assertTrue(number(slow.detail(), "slowest request (\\d+)\\.\\d s") >= 1, slow.detail());
            CheckResult fast = check(report, "billing-voice", "page-time");
            assertEquals(Status.OK, fast.status(), fast.detail());
            assertEquals(0, report.exitCode());
        }
    }

    /**
     * doctor checks the streams the daemon reads, whatever their kind: a stream of a kind it has no words for (here
     * sessions read again under another label) is checked like any other, and its requests count in the budget.
     */
    @Test
    void aStreamOfAKindDoctorDoesNotNameIsCheckedAndBudgeted() throws Exception {
        try (DoctorHarness h = new DoctorHarness()) {
            ExporterConfig config = ConfigLoader.load(h.config(), Map.of()).config();
            ExporterConfig.Bot bot = config.bots().stream().filter(b -> b.name().equals("support-ivr")).findFirst()
                    .orElseThrow();
            Kind<Session> extra = new Kind<>(RecordKind.SEGMENT, "extra", "extra", (b, api) -> List.of(),
                    (s, includeDeveloper) -> Kind.Verdict.COUNT, (s, out) -> { }, Session::start,
                    Kind.Reach.LOOKBACK);
            List<Stream<?>> daemons = Stream.all(bot, config.kore().messagesApi());
            List<Stream<?>> more = new ArrayList<>(daemons);
            more.add(new Stream<>("extra", extra, null, List.of(Listing.SESSIONS)));
            BotReport plain;
            BotReport withExtra;
            try (BotDoctor doctor = new BotDoctor(config, bot, daemons, h.clock, Sleeper.SYSTEM)) {
                plain = doctor.run();
            }
            try (BotDoctor doctor = new BotDoctor(config, bot, more, h.clock, Sleeper.SYSTEM)) {
                withExtra = doctor.run();
            }
            List<String> names = withExtra.checks().stream().map(CheckResult::check).toList();
            assertEquals(names.indexOf("clock") - 1, names.indexOf("extra"), names.toString());
            CheckResult check = withExtra.checks().get(names.indexOf("extra"));
            assertEquals(Status.OK, check.status(), check.toString());
            CheckResult sessions = withExtra.checks().get(names.indexOf("sessions"));
            assertEquals(number(sessions.detail(), "answers: (\\d+) sessions"),
                    number(check.detail(), "getSessions answers: (\\d+) records"), check.detail());
            assertEquals(plain.requests() + 1, withExtra.requests());
            // At poll.interval 30s one page a cycle: 120 more requests an hour.
            long before = number(plain.checks().stream().filter(c -> c.check().equals("budget")).findFirst()
                    .orElseThrow().detail(), "about (\\d+) requests/h");
            long after = number(withExtra.checks().get(names.indexOf("budget")).detail(), "about (\\d+) requests/h");
            assertEquals(before + 120, after);
        }
    }
}
