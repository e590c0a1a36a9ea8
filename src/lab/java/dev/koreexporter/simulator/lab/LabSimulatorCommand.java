package dev.koreexporter.simulator.lab;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorCommand;
import dev.koreexporter.simulator.SimulatorOptions;
import io.helidon.logging.common.LogConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code simulator} command with the lab plugged in, for tests that run the simulator as a process of its
 * own and drive it over {@code /sim/*} (README "Development"): same arguments, and a clock that
 * {@code POST /sim/freeze} stops (and {@code POST /sim/thaw} lets run again), so a test can compare ground truth with
 * a set of records that no longer changes. {@code --bots N} (first, lab only) simulates the demo bots and more, up to
 * {@code N} in all ({@link #bots}).
 */
public final class LabSimulatorCommand {
    private LabSimulatorCommand() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        List<String> rest = List.of(args);
        List<SimBot> bots = SimulatorOptions.DEMO_BOTS;
        if (rest.size() >= 2 && rest.get(0).equals("--bots")) {
            bots = bots(Integer.parseInt(rest.get(1)));
            rest = rest.subList(2, rest.size());
        }
        List<SimBot> simulated = bots;
        System.exit(SimulatorCommand.run(rest, options -> LabSimulator.start(
                options.withBots(simulated).withClock(new FreezableClock(options.clock())))));
    }

    /** The demo bots, then voice bots {@code voice-4}, {@code voice-5}... up to {@code count} bots. */
    public static List<SimBot> bots(int count) {
        List<SimBot> out = new ArrayList<>(SimulatorOptions.DEMO_BOTS.subList(0, Math.min(count,
                SimulatorOptions.DEMO_BOTS.size())));
        for (int i = out.size() + 1; i <= count; i++) {
            String name = "voice-" + i;
            out.add(new SimBot(name, "st-" + UUID.nameUUIDFromBytes(("kore-lab-bot/" + name).getBytes()),
                    "cs-" + UUID.nameUUIDFromBytes(("kore-lab-app/" + name).getBytes()),
                    "lab-" + name + "-secret-0123456789abcdef", null, List.of("korevg")));
        }
        return out;
    }
}
