package dev.koreexporter.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
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
