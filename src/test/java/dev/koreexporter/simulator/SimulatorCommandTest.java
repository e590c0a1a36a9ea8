package dev.koreexporter.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorCommandTest {
    @Test
    void badArgumentsExitWith2() {
        assertEquals(2, SimulatorCommand.run(List.of("simulator")));
        assertEquals(2, SimulatorCommand.run(List.of("simulator", "--port", "abc")));
        assertEquals(2, SimulatorCommand.run(List.of("simulator", "--port", "70000")));
        assertEquals(2, SimulatorCommand.run(List.of("simulator", "--port", "0", "--bogus", "1")));
        assertEquals(2, SimulatorCommand.run(List.of("simulator", "--port", "0", "--lateness", "soon")));
        assertEquals(2, SimulatorCommand.run(List.of("simulator", "--port", "0", "--rate", "-1")));
        assertEquals(2, SimulatorCommand.run(List.of("simulator", "--port")));
    }

    @Test
    void argumentsSetTheOptions() {
        SimulatorOptions o = SimulatorCommand.parse(List.of("simulator", "--port", "8089", "--seed", "9", "--rate", "2.5",
                "--lateness", "90s"));
        assertEquals(8089, o.port());
        assertEquals("0.0.0.0", o.host());
        assertEquals(9, o.seed());
        assertEquals(2.5, o.sessionsPerMinutePerBot());
        assertEquals(Duration.ofSeconds(90), o.maxLateness());
        assertEquals(SimulatorOptions.DEMO_BOTS, o.bots());
        assertEquals(Duration.ofMinutes(5), SimulatorCommand.parse(List.of("--port", "1", "--lateness", "PT5M")).maxLateness());
        assertThrows(IllegalArgumentException.class, () -> SimulatorCommand.parse(List.of("--port", "1", "--seed", "x")));
    }

    @Test
    void theRecordedModesAreTheDefaultAndEachCanBeSetForAWholeRun() {
        SimulatorOptions d = SimulatorCommand.parse(List.of("--port", "1"));
        assertEquals(SessionLifecycle.INACTIVITY_CLOSE, d.lifecycle());
        assertEquals(Serving.RECORDED, d.tenant());
        assertEquals(1000, d.sessionsPageCap());
        assertEquals(SimulatorOptions.SAME_LISTENER, d.agentAiPort());

        SimulatorOptions o = SimulatorCommand.parse(List.of("--port", "1", "--lifecycle", "closed-at-end",
                "--inactivity-timeout", "30m", "--sessions-listed", "closed", "--sessions-page-cap", "100",
                "--page-time", "250ms", "--hang-above", "5000", "--hang", "40s", "--enforce-jti", "true",
                "--other-requests", "20", "--agent-ai-port", "8090"));
        assertEquals(SessionLifecycle.CLOSED_AT_END, o.lifecycle());
        assertEquals(false, o.tenant().activeSessionsListed());
        assertEquals(100, o.sessionsPageCap());
        assertEquals(new PageTime(Duration.ZERO, Duration.ofMillis(250), 5000, Duration.ofSeconds(40)), o.tenant().pageTime());
        assertEquals(8090, o.agentAiPort());
        for (SimBot b : o.bots()) {
            assertEquals(Duration.ofMinutes(30), b.inactivityTimeout());
            assertTrue(b.enforceJti());
            assertEquals(20, b.otherRequestsPerMinute());
        }
        assertEquals(Duration.ofMinutes(1), SimulatorCommand.parse(List.of("--port", "1", "--hang-above", "10"))
                .tenant().pageTime().hang(), "a hang without --hang lasts a minute, past any sane client timeout");
        for (List<String> bad : List.of(List.of("--lifecycle", "never"), List.of("--sessions-listed", "some"),
                List.of("--enforce-jti", "yes"), List.of("--other-requests", "-1"), List.of("--agent-ai-port", "70000"),
                List.of("--sessions-page-cap", "0"), List.of("--inactivity-timeout", "0s"))) {
            List<String> args = new ArrayList<>(List.of("simulator", "--port", "0"));
            args.addAll(bad);
            assertEquals(2, SimulatorCommand.run(args), String.join(" ", bad));
        }
    }

    @Test
    void demoBotsAreFixedAndLookLikeKoreIds() {
        assertEquals(List.of("billing-voice", "support-ivr", "web-chat"),
                SimulatorOptions.DEMO_BOTS.stream().map(SimBot::name).toList());
        for (SimBot b : SimulatorOptions.DEMO_BOTS) {
            assertTrue(b.botId().matches("st-[0-9a-f-]{36}"), b.botId());
            assertTrue(b.clientId().matches("cs-[0-9a-f-]{36}"), b.clientId());
            assertTrue(b.clientSecret().length() >= 32);
        }
        assertEquals("st-4984ed2a-de7c-36f1-9dfb-6475e77cd12a", SimulatorOptions.DEMO_BOTS.getFirst().botId(),
                "docker-compose's exporter config depends on this id");
    }
}
