package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.model.Direction;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recorded session life cycle: a session is closed by the bot's inactivity timeout after its last activity,
 * logs a closing message (and sometimes more dialogue) after its {@code end_time}, and is listed active until its
 * closure is reported, 25-45 min after its start for typical sessions. Checked on ground truth and over HTTP.
 */
class SimulatorLifecycleTest {
    private static final Duration JITTER = Duration.ofMinutes(7);

    private static SimulatorOptions options(ManualClock clock) {
        return SimulatorOptions.defaults().withClock(clock).withHistory(Duration.ofHours(4))
                .withSessionsPerMinutePerBot(6).withEnforceRateLimits(false);
    }

    /** Every message of every session Kore.ai had closed by now, by session id, oldest first. */
    private static Map<String, List<TruthMessage>> messagesOfClosedSessions(GroundTruth truth, String botId,
                                                                           List<TruthSession> closed) {
        Map<String, List<TruthMessage>> all = truth.messages(botId).stream()
                .collect(Collectors.groupingBy(m -> m.message().sessionId()));
        return closed.stream().collect(Collectors.toMap(s -> s.session().id(), s -> all.get(s.session().id())));
    }

    /** Its {@code end_time}, or the last message of the dialogue after it, before the closing message. */
    private static Instant lastActivity(TruthSession s, List<TruthMessage> messages) {
        TruthMessage beforeClosing = messages.get(messages.size() - 2);
        return beforeClosing.afterSessionEnd() ? beforeClosing.message().createdOn() : s.session().end();
    }

    private static List<TruthSession> closedBy(GroundTruth truth, String botId, Instant t) {
        return truth.sessions(botId, t).stream().filter(s -> s.session().closed()).toList();
    }

    @Test
    void aSessionClosesAnInactivityTimeoutAfterItsLastActivityWithAClosingMessage() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock))) {
            GroundTruth truth = sim.groundTruth();
            for (SimBot bot : sim.bots()) {
                List<TruthSession> closed = closedBy(truth, bot.botId(), T0);
                assertTrue(closed.size() > 500, bot.name() + ": " + closed.size());
                Map<String, List<TruthMessage>> bySession = messagesOfClosedSessions(truth, bot.botId(), closed);
                int withDialogueAfterEnd = 0;
                for (TruthSession s : closed) {
                    List<TruthMessage> messages = bySession.get(s.session().id());
                    TruthMessage closing = messages.getLast();
                    assertEquals(s.closesAt(), closing.message().createdOn(), "the close is the closing message");
                    assertEquals(Direction.OUTGOING, closing.message().direction());
                    assertNull(closing.message().latency(), "a closing message answers no user: no turn");
                    assertTrue(closing.afterSessionEnd());
                    assertEquals(Texts.text(closing.message().language(), true, Texts.CLOSING), closing.message().text());
                    Instant end = s.session().end();
                    List<TruthMessage> afterEnd = messages.stream().filter(TruthMessage::afterSessionEnd).toList();
                    afterEnd.forEach(m -> assertTrue(m.message().createdOn().isAfter(end)));
                    messages.stream().filter(m -> !m.afterSessionEnd())
                            .forEach(m -> assertFalse(m.message().createdOn().isAfter(end)));
                    Duration idle = Duration.between(lastActivity(s, messages), closing.message().createdOn());
                    assertTrue(idle.compareTo(SimBot.DEFAULT_INACTIVITY_TIMEOUT) >= 0
                            && idle.compareTo(SimBot.DEFAULT_INACTIVITY_TIMEOUT.plus(JITTER)) <= 0, "idle " + idle);
                    if (afterEnd.size() > 1) {
                        withDialogueAfterEnd++;
                        assertTrue(afterEnd.stream().anyMatch(m -> m.message().direction() == Direction.INCOMING),
                                "the caller spoke after end_time");
                    }
                    assertEquals(messages.size(), s.session().messages(), "noOfMessagesExchanged counts them all");
                    assertFalse(s.visibleClosedAt().isBefore(s.closesAt()), "reported closed only from the close");
                    assertTrue(Duration.between(s.closesAt(), s.visibleClosedAt()).compareTo(sim.options().maxLateness()) <= 0);
                }
                assertTrue(withDialogueAfterEnd > 0, bot.name() + ": some sessions carry on after end_time");
                long messages = bySession.values().stream().mapToLong(List::size).sum();
                long afterEnd = bySession.values().stream().flatMap(List::stream).filter(TruthMessage::afterSessionEnd).count();
                double share = afterEnd / (double) messages;
                assertTrue(share > 0.04 && share < 0.15, bot.name() + ": " + share + " of messages after end_time (recorded 8 %)");
            }
            SimBot billing = sim.options().bot("billing-voice");
            assertTrue(truth.messages(billing.botId()).stream()
                            .anyMatch(m -> m.afterSessionEnd() && m.turn() && m.message().latency() != null),
                    "dialogue after end_time on voice has turns with latency");
        }
    }

    @Test
    void sessionsAreReportedClosedLongAfterTheyStart() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock))) {
            SimBot billing = sim.options().bot("billing-voice");
            GroundTruth truth = sim.groundTruth();
            List<TruthSession> all = truth.sessions(billing.botId(), T0).stream()
                    .filter(s -> s.session().start().isBefore(T0.minus(Duration.ofHours(2)))).toList();
            assertTrue(all.stream().allMatch(s -> s.session().closed()), "two hours on, every session is closed");
            List<Duration> reported = all.stream().map(TruthSession::closureReportedAfterStart).sorted().toList();
            Duration median = reported.get(reported.size() / 2);
            assertTrue(median.compareTo(Duration.ofMinutes(20)) >= 0 && median.compareTo(Duration.ofMinutes(35)) <= 0,
                    "median " + median);
            all.forEach(s -> assertTrue(s.closureReportedAfterStart().compareTo(Duration.between(s.session().start(),
                    s.session().end()).plus(SimBot.DEFAULT_INACTIVITY_TIMEOUT)) >= 0, "reported closed before its close"));

            // Sessions as long as the recorded voice bot's (p50 647 s, p90 746 s) close 15-22 min after their
            // end_time: reported closed 25 min after their start at the earliest, 45 min plus the lateness at most.
            Map<String, Long> afterEnd = truth.messages(billing.botId()).stream().filter(TruthMessage::afterSessionEnd)
                    .collect(Collectors.groupingBy(m -> m.message().sessionId(), Collectors.counting()));
            List<TruthSession> likeRecorded = all.stream()
                    .filter(s -> afterEnd.get(s.session().id()) == 1)
                    .filter(s -> Duration.between(s.session().start(), s.session().end()).toSeconds() >= 600
                            && Duration.between(s.session().start(), s.session().end()).toSeconds() <= 750).toList();
            assertTrue(likeRecorded.size() > 10, "sessions: " + likeRecorded.size());
            likeRecorded.forEach(s -> {
                assertTrue(s.closureReportedAfterStart().compareTo(Duration.ofMinutes(25)) >= 0, s.toString());
                assertTrue(s.closureReportedAfterStart().compareTo(Duration.ofMinutes(45).plus(sim.options().maxLateness())) <= 0,
                        s.toString());
            });
            assertTrue(all.stream().anyMatch(s -> !s.closureReportedWithin(GroundTruth.DEFAULT_HORIZON)),
                    "a few long sessions are reported closed more than an hour after they start");
        }
    }

    @Test
    void aSessionIsListedActiveWithoutContainmentUntilItsClosureIsReported() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock))) {
            SimTestClient c = new SimTestClient(sim);
            SimBot billing = sim.options().bot("billing-voice");
            TruthSession ended = sim.groundTruth().sessions(billing.botId(), T0).stream()
                    .filter(s -> s.session().start().isAfter(T0.minus(Duration.ofMinutes(30))))
                    .filter(s -> !s.visibleActiveAt().isAfter(T0) && s.session().end() == null)
                    .filter(s -> s.closesAt().minus(SimBot.DEFAULT_INACTIVITY_TIMEOUT).isBefore(T0))
                    .findFirst().orElseThrow();
            String id = ended.session().id();
            var window = body("dateFrom", ended.session().start().minusSeconds(1).toString(),
                    "dateTo", ended.session().start().plusSeconds(1).toString());

            JsonNode active = find(c.post(billing, "getSessions", window).json(), id);
            assertEquals("active", active.path("sessionStatus").asText(), "its last activity is past, yet it is active");
            assertFalse(active.has("containmentType"));
            assertFalse(active.has("end_time"));
            for (String type : List.of("selfService", "dropOff", "agent")) {
                assertNull(find(c.post(billing, "getSessions?containmentType=" + type, window).json(), id), type);
            }
            assertEquals("active", find(c.post(billing, "getSessions", body("sessionId", List.of(id))).json(), id)
                    .path("sessionStatus").asText());

            clock.set(ended.visibleClosedAt().minusMillis(1));
            assertEquals("active", find(c.post(billing, "getSessions", window).json(), id).path("sessionStatus").asText());
            clock.set(ended.visibleClosedAt());
            TruthSession now = sim.groundTruth().sessions(billing.botId()).stream()
                    .filter(s -> s.session().id().equals(id)).findFirst().orElseThrow();
            JsonNode closed = find(c.post(billing, "getSessions", window).json(), id);
            assertEquals("closed", closed.path("sessionStatus").asText());
            assertEquals(now.session().containment().wireName(), closed.path("containmentType").asText());
            assertEquals(now.session().end().toString(), Instant.parse(closed.path("end_time").asText()).toString());
            assertTrue(Duration.between(now.session().end(), now.closesAt()).compareTo(SimBot.DEFAULT_INACTIVITY_TIMEOUT) >= 0,
                    "end_time is the last activity, not the close");
            assertEquals(id, find(c.post(billing, "getSessions?containmentType=" + closed.path("containmentType").asText(),
                    window).json(), id).path("sessionId").asText());

            clock.set(now.closesAt().plus(sim.options().maxLateness()));
            List<JsonNode> messages = new ArrayList<>();
            c.post(billing, "getMessagesV2", body("sessionId", List.of(id), "channelType", now.session().channel(),
                    "dateFrom", now.session().start().toString(), "dateTo", clock.instant().toString(), "forward", true))
                    .json().path("messages").forEach(messages::add);
            JsonNode last = messages.getLast();
            assertTrue(Instant.parse(last.path("createdOn").asText()).isAfter(now.session().end()),
                    "its closing message is served under it, after its end_time");
            assertEquals("outgoing", last.path("type").asText());
        }
    }

    private static JsonNode find(JsonNode page, String sessionId) {
        for (JsonNode s : page.path("sessions")) {
            if (s.path("sessionId").asText().equals(sessionId)) {
                return s;
            }
        }
        return null;
    }

    @Test
    void theInactivityTimeoutIsTheBots() {
        ManualClock clock = new ManualClock(T0);
        Duration timeout = Duration.ofMinutes(5);
        try (LabSimulator sim = LabSimulator.start(options(clock)
                .withBot("support-ivr", b -> b.withInactivityTimeout(timeout)))) {
            SimBot support = sim.options().bot("support-ivr");
            List<TruthSession> closed = closedBy(sim.groundTruth(), support.botId(), T0);
            Map<String, List<TruthMessage>> bySession = messagesOfClosedSessions(sim.groundTruth(), support.botId(), closed);
            for (TruthSession s : closed) {
                Duration idle = Duration.between(lastActivity(s, bySession.get(s.session().id())), s.closesAt());
                assertTrue(idle.compareTo(timeout) >= 0 && idle.compareTo(timeout.plus(JITTER)) <= 0, "idle " + idle);
            }
            SimBot billing = sim.options().bot("billing-voice");
            assertTrue(closedBy(sim.groundTruth(), billing.botId(), T0).stream().allMatch(s ->
                    Duration.between(s.session().end(), s.closesAt()).compareTo(SimBot.DEFAULT_INACTIVITY_TIMEOUT) >= 0),
                    "the other bots keep the default");
        }
    }

    @Test
    void closedAtEndIsTheDocsReadingWithTheSameSessionsUpToTheirEnd() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator recorded = LabSimulator.start(options(clock));
             LabSimulator documented = LabSimulator.start(options(clock).withLifecycle(SessionLifecycle.CLOSED_AT_END))) {
            for (SimBot bot : recorded.bots()) {
                List<TruthSession> closed = closedBy(documented.groundTruth(), bot.botId(), T0);
                closed.forEach(s -> {
                    assertEquals(s.session().end(), s.closesAt());
                    assertTrue(Duration.between(s.closesAt(), s.visibleClosedAt()).compareTo(documented.options().maxLateness()) <= 0);
                });
                assertTrue(documented.groundTruth().messages(bot.botId()).stream().noneMatch(TruthMessage::afterSessionEnd));
                Comparator<TruthMessage> order = Comparator.comparing(m -> m.message().id());
                assertEquals(documented.groundTruth().messages(bot.botId()).stream().sorted(order).map(TruthMessage::message).toList(),
                        recorded.groundTruth().messages(bot.botId()).stream().filter(m -> !m.afterSessionEnd()).sorted(order)
                                .map(TruthMessage::message).toList(),
                        "up to its end_time a session is the same under either life cycle");
                assertEquals(documented.groundTruth().sessions(bot.botId()).stream().map(s -> s.session().id()).toList(),
                        recorded.groundTruth().sessions(bot.botId()).stream().map(s -> s.session().id()).toList());
            }
        }
    }
}
